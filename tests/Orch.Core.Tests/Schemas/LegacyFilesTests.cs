using Orch.Core.Schemas;
using Orch.Testing;

namespace Orch.Core.Tests.Schemas;

/// <summary>Every file of compat/legacy, as it is: what Orch makes of it, and the exact errors where it refuses it.</summary>
[TestClass]
public sealed class LegacyFilesTests
{
    private static readonly string Root = TestData.Path("legacy");

    private static string WindowsPathErrors(string file, int repoLine, int workLine) =>
        $"{file}:{repoLine}:18: error ORCH1009: paths.repo_root is the Windows path 'C:/Users/richg/ALL_AI/Complete AI Development Pipeline – Canonical Phase Plan', which cannot be used on this machine\n" +
        $"{file}:{workLine}:20: error ORCH1009: paths.working_dir is the Windows path 'C:/Users/richg/ALL_AI/Complete AI Development Pipeline – Canonical Phase Plan', which cannot be used on this machine";

    /// <summary>The expected kind and exact errors of each legacy file (files not listed must be free of errors).</summary>
    private static readonly Dictionary<string, (string Kind, Func<string, string> Errors)> Expected = new(StringComparer.Ordinal)
    {
        ["jobs/aider_job.json"] = ("legacy-job", f => WindowsPathErrors(f, 21, 22)),
        ["jobs/codex_job.json"] = ("legacy-job", f => WindowsPathErrors(f, 18, 19)),
        ["jobs/git_job.json"] = ("legacy-job", f => WindowsPathErrors(f, 17, 18)),
        ["jobs/tests_job.json"] = ("legacy-job", f => WindowsPathErrors(f, 19, 20)),
        ["workstreams/ws-abs-001-tool-adapter.json"] = ("unreadable",
            f => $"{f}:5:21: error ORCH1002: not valid JSON: '3' is an invalid start of a property name. Expected a '\"'"),
    };

    [TestMethod]
    public void Validate_EveryLegacyFile_LoadsOrFailsWithItsExactMessage()
    {
        using var repo = new TempDirectory();
        var results = FileValidator.Validate(Root, repo.Path);

        var files = Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".json", StringComparison.Ordinal) || f.EndsWith(".yaml", StringComparison.Ordinal))
            .Where(f => !f.EndsWith(".schema.json", StringComparison.Ordinal)).ToList();
        Assert.HasCount(files.Count, results, "every legacy file is checked");
        foreach (var result in results)
        {
            var relative = Path.GetRelativePath(Root, result.File).Replace('\\', '/');
            var errors = string.Join('\n', result.Diagnostics.Where(d => d.IsError).Select(d => d.ToString()));
            if (Expected.TryGetValue(relative, out var expected))
            {
                Assert.AreEqual(expected.Kind, result.Kind, relative);
                Assert.AreEqual(expected.Errors(result.File), errors, relative);
            }
            else
            {
                Assert.AreEqual("", errors, $"{relative} ({result.Kind}) should load");
            }
        }

        CollectionAssert.AreEquivalent(
            new[] { "legacy-bundle", "legacy-list", "legacy-job", "legacy-config", "uet-profile", "uet-phase-template", "json-schema", "unreadable" },
            results.Select(r => r.Kind).Distinct().ToArray());
    }

    [TestMethod]
    public void Validate_LegacyJobIdsThatBreakTheirOwnSchema_AreWarnedNotRefused()
    {
        using var repo = new TempDirectory();

        var result = FileValidator.ValidateFile(TestData.Path("legacy", "jobs", "git_job.json"), repo.Path);

        var warning = result.Diagnostics.Single(d => d.Code == "ORCH1105");
        Assert.AreEqual(2, warning.Line);
        StringAssert.StartsWith(warning.Message, "job_id:");
    }

    [TestMethod]
    public void Validate_LegacyConfigFile_PointsAtImportConfig()
    {
        using var repo = new TempDirectory();

        var result = FileValidator.ValidateFile(TestData.Path("legacy", "config", "circuit_breakers.yaml"), repo.Path);

        Assert.AreEqual("legacy-config", result.Kind);
        StringAssert.Contains(result.Diagnostics.Single().Hint, "dotnet orch import-config");
    }
}
