namespace Orch.Core.Application;

/// <summary>Why a use case could not start its work: an ORCH code (when it has one), what happened, and what to do.</summary>
public sealed record OrchError(string? Code, string Message, string? Hint = null);
