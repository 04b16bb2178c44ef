namespace Orch.Core.Testing;

/// <summary>Where test outcomes were recorded: the project (relative to the repository), the branch and the commit.</summary>
public sealed record TestSubject(string Project, string Branch, string Commit);
