namespace Orch.Core.Workflow;

/// <summary>Where a phase of a workstream is. Stored in snake_case.</summary>
public enum PhaseStatus
{
    /// <summary>In progress.</summary>
    Running,

    /// <summary>Done; resume never runs it again.</summary>
    Succeeded,

    /// <summary>Stopped; see the stop reason.</summary>
    Failed,
}
