using System.Text.RegularExpressions;
using System.Xml.Linq;
using Orch.Adapters.Checkers;
using Orch.Core.Bootstrap;

namespace Orch.Core.Testing.Dotnet;

/// <summary>
/// Turns a plain <c>dotnet test [target]</c> into the commands each test project under the target must be run with,
/// under the repository's own global.json and SDK:
/// <list type="bullet">
/// <item>VSTest: <c>dotnet test project --logger trx</c>.</item>
/// <item>Microsoft.Testing.Platform when global.json selects it for <c>dotnet test</c>: <c>dotnet test --project project</c>
/// with the platform's own report options.</item>
/// <item>Microsoft.Testing.Platform otherwise (the .NET 10 SDK refuses it under VSTest): the test application itself through
/// <c>dotnet run</c>, one target framework at a time, its options after the <c>--</c> separator.</item>
/// </list>
/// Results come from TRX where the project can write it (the TRX extension, or xUnit.net v3's own TRX), else from the console.
/// </summary>
public sealed partial class DotnetTestPlanner(IDotnetProjectEvaluator evaluator)
{
    private static readonly string[] ReportOptions = ["--logger", "-l", "--report-trx", "--results-directory", "--", "--project", "--solution"];

    /// <summary>True for a <c>dotnet test</c> that chooses no report of its own, so Orch may choose for each project.</summary>
    public static bool Handles(IReadOnlyList<string> command) =>
        command.Count >= 2 && Path.GetFileNameWithoutExtension(command[0]) == "dotnet" && command[1] == "test"
        && !command.Any(a => ReportOptions.Contains(a) || a.StartsWith("--logger:", StringComparison.Ordinal));

    /// <summary>The project, solution or folder a <c>dotnet test</c> names, made absolute; the working directory when it names none.</summary>
    public static string TargetOf(IReadOnlyList<string> command, string workingDirectory)
    {
        var target = command.Skip(2).FirstOrDefault(a => !a.StartsWith('-'));
        return target is null ? workingDirectory : Path.GetFullPath(Path.Combine(workingDirectory, target));
    }

    /// <summary>The options of a <c>dotnet test</c> that build and run alike: configuration and MSBuild properties.</summary>
    public static IReadOnlyList<string> BuildOptions(IReadOnlyList<string> command)
    {
        var options = new List<string>();
        for (var i = 2; i < command.Count; i++)
        {
            if (command[i] is "-c" or "--configuration" && i + 1 < command.Count)
            {
                options.AddRange([command[i], command[++i]]);
            }
            else if (command[i].StartsWith("-p:", StringComparison.Ordinal) || command[i].StartsWith("--property:", StringComparison.Ordinal))
            {
                options.Add(command[i]);
            }
        }

        return options;
    }

    /// <summary>The test projects a project, solution or folder holds, evaluated by MSBuild.</summary>
    public IReadOnlyList<DotnetProject> TestProjects(string target) =>
        ProjectFiles(target).Select(evaluator.Evaluate).Where(p => p.IsTestProject).ToList();

    /// <summary>One invocation per test project (per target framework, when the test application runs itself).</summary>
    public static IReadOnlyList<DotnetTestInvocation> Invocations(IReadOnlyList<DotnetProject> projects, string workingDirectory, string resultsRoot,
        IReadOnlyList<string> options)
    {
        var testingPlatformMode = DotnetTestPlatform.UsesTestingPlatform(workingDirectory);
        var invocations = new List<DotnetTestInvocation>();
        foreach (var project in projects)
        {
            var name = Path.GetFileNameWithoutExtension(project.Path);
            var results = Path.Combine(resultsRoot, name);
            if (project.TestPlatform == TestPlatform.VSTest)
            {
                invocations.Add(new(project.Path, ["dotnet", "test", project.Path, "--no-build", .. options, "--logger", "trx", "--results-directory", results], results, "TRX"));
            }
            else if (testingPlatformMode)
            {
                var (report, reads) = project.TrxReport ? (["--report-trx"], "TRX") : project.TestFramework == "xunit.v3" ? (["--report-xunit-trx"], "xUnit.net TRX") : (Array.Empty<string>(), "console output");
                invocations.Add(new(project.Path, ["dotnet", "test", "--project", project.Path, "--no-build", .. options, "--results-directory", results, .. report], results, reads));
            }
            else
            {
                var frameworks = project.TargetFrameworks.Count > 1 ? project.TargetFrameworks.Select(f => (string?)f).ToList() : [null];
                foreach (var framework in frameworks)
                {
                    var folder = framework is null ? results : Path.Combine(results, framework);
                    IReadOnlyList<string> selector = framework is null ? [] : ["--framework", framework];
                    // xUnit.net v3 run directly is its own console runner, which writes TRX whatever the project references.
                    var (arguments, reads) = project.TestFramework == "xunit.v3"
                        ? (new[] { "-result-trx", Path.Combine(folder, $"{name}.trx"), "-noColor" }, "xUnit.net TRX")
                        : project.TrxReport ? (["--results-directory", folder, "--report-trx"], "TRX")
                        : (new[] { "--results-directory", folder }, "console output");
                    invocations.Add(new(project.Path, ["dotnet", "run", "--project", project.Path, "--no-build", .. selector, .. options, "--", .. arguments], folder, reads));
                }
            }
        }

        return invocations;
    }

    /// <summary>The project files a target names: itself, a solution's projects, a folder's one solution, or every project under a folder.</summary>
    public static IReadOnlyList<string> ProjectFiles(string target)
    {
        if (File.Exists(target))
        {
            return target.EndsWith(".sln", StringComparison.OrdinalIgnoreCase) || target.EndsWith(".slnx", StringComparison.OrdinalIgnoreCase)
                ? SolutionProjects(target)
                : [target];
        }

        if (!Directory.Exists(target))
        {
            return [];
        }

        var solutions = Directory.EnumerateFiles(target, "*.sln").Concat(Directory.EnumerateFiles(target, "*.slnx")).ToList();
        return solutions.Count == 1 ? SolutionProjects(solutions[0]) : RepositoryFiles.Under(target).Where(f => ProjectExtension().IsMatch(f)).Order(StringComparer.Ordinal).ToList();
    }

    private static List<string> SolutionProjects(string solution)
    {
        var folder = Path.GetDirectoryName(solution)!;
        IEnumerable<string> paths = solution.EndsWith(".slnx", StringComparison.OrdinalIgnoreCase)
            ? XDocument.Load(solution).Descendants("Project").Select(p => (string?)p.Attribute("Path") ?? "")
            : SlnProject().Matches(File.ReadAllText(solution)).Select(m => m.Groups["path"].Value);
        return paths.Where(p => p.Length > 0).Select(p => Path.GetFullPath(Path.Combine(folder, p.Replace('\\', '/')))).Where(File.Exists).ToList();
    }

    [GeneratedRegex(@"^Project\(""\{[^}]+\}""\)\s*=\s*""[^""]*"",\s*""(?<path>[^""]+\.\w+proj)""", RegexOptions.Multiline)]
    private static partial Regex SlnProject();

    [GeneratedRegex(@"\.(cs|fs|vb)proj$", RegexOptions.IgnoreCase)]
    private static partial Regex ProjectExtension();
}
