using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Orch.Adapters.Parsing;
using Orch.Cli.Tests.Support;
using Orch.Testing;

namespace Orch.Cli.Tests.RealRepositories;

/// <summary>
/// The whole loop on repositories in the shapes real projects take, each built and tested for real: bootstrap finds the
/// test project, <c>test</c> counts what a bare <c>dotnet test</c> counts, and a workstream whose edit breaks a test goes
/// green through RUNTIME's FIX loop, points at the test and at the source line that failed, merges, and changes no file it
/// was not asked to change.
/// </summary>
[TestClass]
[TestCategory(Categories.Process)]
public sealed partial class RepositoryShapeTests
{
    public static IEnumerable<object[]> Shapes => RepositoryShape.All.Select(s => new object[] { s });

    [TestMethod]
    [DynamicData(nameof(Shapes))]
    public async Task Shape_BootstrapTestAndAWorkstreamWithAPlantedBug_AllWorkAsOnATidyRepository(RepositoryShape shape)
    {
        using var repo = new TestRepository(shape.Files, shape.Branch);
        var db = repo.Combine(".orch", "state.db");
        var baseCommit = repo.Git("rev-parse", "HEAD");

        // bootstrap finds the test project on its platform.
        var (bootExit, bootOut, bootErr) = await OrchRunner.RunAsync(repo.Path, db, "bootstrap", "--dry-run", "--format", "json");
        Assert.AreEqual(0, bootExit, bootErr + bootOut);
        var projects = JsonDocument.Parse(bootOut).RootElement.GetProperty("discovery").GetProperty("dotnet_projects").EnumerateArray().ToList();
        var testProject = projects.Single(p => p.GetProperty("path").GetString() == "tests/Lib.Tests/Lib.Tests.csproj");
        Assert.IsTrue(testProject.GetProperty("is_test_project").GetBoolean(), bootOut);
        Assert.AreEqual(shape.TestPlatform, testProject.GetProperty("test_platform").GetString());
        Assert.AreEqual(shape.TestFramework, testProject.GetProperty("test_framework").GetString());

        // test counts what a bare dotnet test counts.
        var bare = TestConsoleParser.Totals(await DotnetTestAsync(repo.Path)) ?? throw new AssertFailedException("a bare dotnet test printed no summary");
        var (testExit, testOut, testErr) = await OrchRunner.RunAsync(repo.Path, db, "test");
        Assert.AreEqual(0, testExit, testErr + testOut);
        StringAssert.Contains(testOut, $"{bare.Total} test(s): {bare.Passed} passed, {bare.Failed} failed, {bare.Skipped} skipped");
        repo.Git("status", "--porcelain").Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList()
            .ForEach(line => Assert.Fail($"test changed the repository: {line}"));

        // A workstream whose EDIT breaks Add; RUNTIME's FIX repairs it.
        var buggy = repo.Combine(".orch", "buggy-Calc.cs");
        File.WriteAllText(buggy, RepositoryShape.BuggyCalc);
        InstallClaude(repo, $"if grep -q 'i <= count' src/Lib/Calc.cs; then sed -i 's/i <= count/i < count/' src/Lib/Calc.cs; else cp '{buggy}' src/Lib/Calc.cs; fi");
        repo.Write(".orch/plan.yaml", "id: sum-helper\ntitle: Add through a Sum helper\nfiles_scope: [src/Lib/]\nedit: {tool: claude, prompt: Add through a Sum helper}\n");
        var untouched = shape.Untouched.ToDictionary(f => f, f => File.ReadAllBytes(repo.Combine(f)));

        var (runExit, runOut, runErr) = await OrchRunner.RunAsync(repo.Path, db, "run", ".orch/plan.yaml", "--format", "json");

        var lines = runOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.AreEqual(0, runExit, runErr + runOut);
        var workstream = lines[^1].GetProperty("workstreams")[0];
        Assert.AreEqual("succeeded", workstream.GetProperty("status").GetString(), runOut);
        var checks = lines.Where(e => e.GetProperty("type").GetString() == "event" && e.GetProperty("kind").GetString() == "phase.checked")
            .Select(e => e.GetProperty("data")).ToList();
        var runtime = checks.Where(c => c.GetProperty("phase").GetString() == "RUNTIME").ToList();
        Assert.HasCount(2, runtime, "RUNTIME fails once, FIX repairs it, the second check passes");
        Assert.IsFalse(runtime[0].GetProperty("passed").GetBoolean());
        Assert.IsTrue(runtime[1].GetProperty("passed").GetBoolean());
        Assert.AreEqual(shape.BaselineFindings, checks.Where(c => c.GetProperty("passed").GetBoolean()).Sum(c => c.GetProperty("baseline").GetInt32()),
            "findings the base commit already had are left alone, once each");
        if (shape.BaselineFindings > 0)
        {
            StringAssert.Contains(workstream.GetProperty("detail").GetString(), $"{shape.BaselineFindings} baseline finding(s)");
        }

        // The FIX prompt's findings name the failing test, its file, and the source line the failure came from.
        var findingsFile = Directory.EnumerateFiles(repo.Combine(".orch", "runs"), "runtime-fix-1.findings.json", SearchOption.AllDirectories).Single();
        var findings = JsonDocument.Parse(File.ReadAllText(findingsFile)).RootElement.EnumerateArray().ToList();
        var failed = findings.Where(f => f.GetProperty("code").GetString()!.Contains("Add_Works", StringComparison.Ordinal)).ToList();
        Assert.HasCount(1, failed, File.ReadAllText(findingsFile));
        Assert.AreEqual("tests/Lib.Tests/CalcTests.cs", failed[0].GetProperty("file").GetString());
        Assert.MatchesRegex(CauseInCalc(), failed[0].GetProperty("message").GetString()!);

        // Merged, and the only file that differs from the base commit is the one the workstream was asked to change.
        CollectionAssert.AreEqual(new[] { "src/Lib/Calc.cs" }, repo.Git("diff", "--name-only", baseCommit, "HEAD").Split('\n', StringSplitOptions.RemoveEmptyEntries));
        StringAssert.Contains(File.ReadAllText(repo.Combine("src/Lib/Calc.cs")), "i < count");
        foreach (var (file, bytes) in untouched)
        {
            CollectionAssert.AreEqual(bytes, File.ReadAllBytes(repo.Combine(file)), $"{file} was not the workstream's to change");
        }
    }

    private static async Task<string> DotnetTestAsync(string directory)
    {
        var info = new ProcessStartInfo("dotnet", ["test"]) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return await output + await error;
    }

    /// <summary>The fake claude, whose edit is <paramref name="edit"/>, as the project's claude.</summary>
    private static void InstallClaude(TestRepository repo, string edit)
    {
        var script = repo.Combine(".orch", "edit.sh");
        File.WriteAllText(script, edit + "\n");
        var wrapper = repo.Write(".orch/fake-bin/claude", $"#!/bin/sh\nFAKE_EDIT='sh {script}' exec {TestData.Path("fake-tools", "claude")} \"$@\"\n");
        File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        repo.Write(".orch/orch.yaml", $"tools:\n  claude:\n    executable: {wrapper}\n    model: claude-sonnet-4-5\n");
    }

    [GeneratedRegex(@"raised at src/Lib/Calc\.cs:\d+")]
    private static partial Regex CauseInCalc();
}
