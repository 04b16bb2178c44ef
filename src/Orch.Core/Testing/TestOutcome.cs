namespace Orch.Core.Testing;

/// <summary>One test's result in a run: its full name and passed, failed or skipped.</summary>
public sealed record TestOutcome(string Test, string Outcome);
