using Orch.Abstractions.Diagnostics;
using Orch.Adapters.Parsing;
using Orch.Core.Execution;
using Orch.Core.Jobs;
using Orch.Core.Planning;
using Orch.Core.Profiles;
using Orch.Core.Settings;

namespace Orch.Core.Workflow;

/// <summary>
/// STATIC or RUNTIME: whose commands run (the workstream's own list, else the profile's, else the profile the folder
/// shows evidence for), in which order (autofixers first), and how an outcome becomes findings. Workstreams run it with
/// FIX loops; the checks <c>dotnet build</c> and <c>dotnet test</c> call run the same commands.
/// </summary>
public sealed record CheckPhase(PhaseName Name, IReadOnlyList<PhaseCommand> Commands)
{
    /// <summary>The phase's commands for <paramref name="directory"/>; <paramref name="own"/> (a workstream's list) wins.</summary>
    public static CheckPhase For(PhaseName name, ProjectSettings settings, string directory, IReadOnlyList<PhaseCommand>? own = null)
    {
        if (own is not null)
        {
            return new(name, own);
        }

        var profile = settings.Profile ?? Detect(directory);
        return new(name, profile is null ? [] : Of(name, profile));
    }

    /// <summary>Like <see cref="For"/>, but the dotnet profile when nothing else applies: the MSBuild checks run only for .NET projects.</summary>
    public static CheckPhase ForDotnet(PhaseName name, ProjectSettings settings, string directory) =>
        For(name, settings, directory) is { Commands.Count: > 0 } phase ? phase
        : new(name, ProfileCatalog.LoadBuiltIn().Value?.Find("dotnet") is { } dotnet ? Of(name, dotnet) : []);

    /// <summary>The findings that count: warnings and up in STATIC, errors in RUNTIME.</summary>
    public FindingSeverity Minimum => Name == PhaseName.Static ? FindingSeverity.Warning : FindingSeverity.Error;

    /// <summary>Autofixers first, then the checks.</summary>
    public IReadOnlyList<PhaseCommand> InOrder => [.. Commands.Where(c => c.Autofix), .. Commands.Where(c => !c.Autofix)];

    /// <summary>The autofixers that can run in verify mode, which reports what they would change and changes nothing.</summary>
    public IEnumerable<PhaseCommand> VerifyOnly => Commands.Where(c => c.Autofix && c.Verify.Count > 0 && !c.UseShell);

    /// <summary>The findings a check's outcome gives; a check that failed with none gives one saying how it failed.</summary>
    public IReadOnlyList<Finding> FindingsOf(PhaseCommand command, JobOutcome outcome, out bool failed, string? workingDirectory = null)
    {
        // The adapter read the tool's report (TRX, JUnit XML, JSON) or its diagnostic lines into findings.
        var found = outcome.Findings.Where(f => f.Severity >= Minimum).ToList();
        failed = outcome.Status != JobStatus.Succeeded || (outcome.ExitCode is { } code && code != 0);
        if (failed && found.Count == 0)
        {
            // Read by its exit code only: the failing tests its output names, else the end of the output, so FIX has something to work from.
            var output = OutputOf(outcome);
            found.AddRange(FailureOutputParser.Parse(output, ToolOf(command), workingDirectory));
            if (found.Count == 0)
            {
                var reason = outcome.Error ?? $"exited with code {outcome.ExitCode}";
                var tail = FailureOutputParser.Tail(output);
                found.Add(new Finding(null, null, null, "EXIT", $"`{command.Display}` {reason}{(tail.Length == 0 ? "" : $"; the end of its output:\n{tail}")}",
                    FindingSeverity.Error, ToolOf(command)));
            }
        }

        failed |= found.Count > 0;
        return found;
    }

    /// <summary>The end of what the check printed: its log (bounded), else the tail its adapter kept.</summary>
    private static string OutputOf(JobOutcome outcome)
    {
        if (!File.Exists(outcome.LogFile))
        {
            return outcome.OutputTail;
        }

        // The log marks stderr lines and adds Orch's own; the tool's words are what FIX needs.
        var lines = LogTail.Read(outcome.LogFile, 256 * 1024).Split('\n')
            .Where(l => !l.StartsWith("$ ", StringComparison.Ordinal) && !l.StartsWith("# ", StringComparison.Ordinal))
            .Select(l => l.StartsWith("[stderr] ", StringComparison.Ordinal) ? l["[stderr] ".Length..] : l);
        return string.Join('\n', lines);
    }

    /// <summary>The adapter that runs a command: its executable's name, or <c>shell</c>.</summary>
    public static string ToolOf(PhaseCommand command) => command.UseShell ? "shell" : Path.GetFileName(command.Command[0]);

    /// <summary>The built-in profile a folder shows evidence for (a solution or project file means dotnet), or <see langword="null"/>.</summary>
    private static Profile? Detect(string directory) =>
        Directory.EnumerateFiles(directory, "*.sln").Any() || Directory.EnumerateFiles(directory, "*.slnx").Any()
        || Directory.EnumerateFiles(directory, "*.csproj").Any()
            ? ProfileCatalog.LoadBuiltIn().Value?.Find("dotnet")
            : null;

    private static IReadOnlyList<PhaseCommand> Of(PhaseName name, Profile profile) => name == PhaseName.Static ? profile.Static : profile.Runtime;
}
