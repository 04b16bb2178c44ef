namespace Orch.Core.Testing.Dotnet;

/// <summary>One process that runs one test project's tests (or one target framework of it), and the folder its report goes to.</summary>
/// <param name="Project">The test project file.</param>
/// <param name="Command">The argv, starting with <c>dotnet</c>.</param>
/// <param name="ResultsDirectory">Where the report is written; empty when the project can write none and its output is read instead.</param>
/// <param name="Reads">How the results are read, for people: <c>TRX</c>, <c>xUnit.net TRX</c> or <c>console output</c>.</param>
public sealed record DotnetTestInvocation(string Project, IReadOnlyList<string> Command, string ResultsDirectory, string Reads);
