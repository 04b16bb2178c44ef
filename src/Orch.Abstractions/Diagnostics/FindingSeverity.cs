namespace Orch.Abstractions.Diagnostics;

/// <summary>How bad a finding is.</summary>
public enum FindingSeverity
{
    /// <summary>Worth knowing; never fails a phase.</summary>
    Info,

    /// <summary>Fails a phase only when the profile says warnings count.</summary>
    Warning,

    /// <summary>Fails the phase.</summary>
    Error,
}
