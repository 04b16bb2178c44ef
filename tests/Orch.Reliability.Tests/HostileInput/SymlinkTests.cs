using Orch.Testing;

namespace Orch.Reliability.Tests.HostileInput;

/// <summary>A committed symbolic link that leads out of the repository never lets Orch write, log or run there.</summary>
[TestClass]
[TestCategory(Categories.Process)]
[TestCategory(Categories.Reliability)]
public sealed class SymlinkTests
{
    [TestMethod]
    [DataRow("log_file: src/link/job.log")]
    [DataRow("error_report: src/link/report.json")]
    [DataRow("working_dir: src/link")]
    public async Task JobPathThroughALinkOutside_IsRefusedAndNothingIsWrittenThere(string field)
    {
        using var outside = new TempDirectory();
        var target = Directory.CreateDirectory(outside.Combine("target")).FullName;
        using var repo = new TempDirectory();
        Directory.CreateDirectory(repo.Combine("src"));
        File.CreateSymbolicLink(repo.Combine("src", "link"), target);
        repo.Write("job.yaml", $"id: escape\ncommand: \"touch ran-here; exit 1\"\n{field}\n");

        var (exit, output, error) = await OrchProcess.RunAsync(repo, "job", "run", "job.yaml");

        Assert.AreEqual(2, exit, output + error);
        StringAssert.Contains(error, "ORCH");
        StringAssert.Contains(error, "outside the repository");
        Assert.AreEqual(0, Directory.EnumerateFileSystemEntries(target).Count(), "nothing was written or run outside");
    }

    [TestMethod]
    public async Task Workstream_EditWrittenThroughALinkOutside_IsAScopeViolation()
    {
        using var outside = new TempDirectory();
        outside.Write("shared.txt", "theirs\n");
        using var repo = new TestRepository(new Dictionary<string, string>
        {
            ["src/own.txt"] = "own\n",
            ["edit.sh"] = "echo changed >> src/own.txt\necho 'written through the link' >> src/link/shared.txt\n",
            ["plan.yaml"] = "workstreams:\n  - {id: w, files_scope: [src/], edit: {tool: script, command: [sh, edit.sh]}, static: [], runtime: []}\n",
        });
        File.CreateSymbolicLink(repo.Combine("src", "link"), outside.Path);
        repo.Git("add", "src/link");
        repo.Git("commit", "-q", "-m", "a link");

        var (exit, output, error) = await OrchProcess.RunAsync(repo.Path, repo.Combine(".orch", "state.db"), null, "run", "plan.yaml");

        Assert.AreEqual(1, exit, output + error);
        StringAssert.Contains(output + error, "scope_violation");
        StringAssert.Contains(output + error, "src/link/shared.txt");
        Assert.AreEqual("own\n", File.ReadAllText(repo.Combine("src", "own.txt")), "nothing merged");
    }
}
