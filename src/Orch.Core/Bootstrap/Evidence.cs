namespace Orch.Core.Bootstrap;

/// <summary>Why discovery concluded something: the conclusion, the file that shows it, and what in it.</summary>
public sealed record Evidence(string Conclusion, string Source, string Detail);
