namespace Orch.Core.Storage;

/// <summary>Where a run is in its life. Stored as snake_case text.</summary>
public enum RunStatus
{
    /// <summary>The run is in progress.</summary>
    Running,

    /// <summary>Every piece of work succeeded.</summary>
    Succeeded,

    /// <summary>Some work failed.</summary>
    Failed,

    /// <summary>The run was cancelled.</summary>
    Cancelled,
}
