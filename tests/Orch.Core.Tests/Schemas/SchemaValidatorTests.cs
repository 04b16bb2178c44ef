using Orch.Core.Schemas;
using Orch.Testing;

namespace Orch.Core.Tests.Schemas;

[TestClass]
public sealed class SchemaValidatorTests
{
    [TestMethod]
    public void Validate_V1WorkstreamWithWrongTypes_ReportsEachAtItsPosition()
    {
        using var repo = new TempDirectory();
        var file = repo.Write("ws.yaml", "id: w\nfiles_scope: src/\ncircuit_breaker:\n  max_attempts: many\nbudget_usd: -1\n");

        var result = FileValidator.ValidateFile(file, repo.Path);

        Assert.AreEqual("workstream", result.Kind);
        var errors = result.Diagnostics.Where(d => d.IsError).Select(d => $"{d.Line}:{d.Column} {d.Code}").ToArray();
        CollectionAssert.AreEqual(new[] { "2:14 ORCH1005", "4:17 ORCH1005", "5:13 ORCH1007" }, errors, string.Join('\n', result.Diagnostics));
    }

    [TestMethod]
    public void Validate_V1JobMissingCommand_IsAnError()
    {
        using var repo = new TempDirectory();
        var file = repo.Write("job.yaml", "kind: job\nid: j\n");

        var result = FileValidator.ValidateFile(file, repo.Path);

        Assert.AreEqual("job", result.Kind);
        StringAssert.Contains(result.Diagnostics.Single(d => d.IsError).Message, "missing required field 'command'");
    }

    [TestMethod]
    public void Validate_Settings_ChecksBudgetsAndPrices()
    {
        using var repo = new TempDirectory();
        var file = repo.Write(".orch/orch.yaml", "budgets:\n  run_usd: lots\nprices:\n  gpt-5: {input_per_mtok: 1}\n");

        var result = FileValidator.ValidateFile(file, repo.Path);

        Assert.AreEqual("settings", result.Kind);
        var errors = result.Diagnostics.Where(d => d.IsError).Select(d => $"{d.Line}:{d.Code}").ToArray();
        CollectionAssert.AreEquivalent(new[] { "2:ORCH1005", "4:ORCH1006" }, errors, string.Join('\n', result.Diagnostics));
    }

    [TestMethod]
    public void Validate_Folder_ReportsProblemsOfAllFilesAndTheirDependencies()
    {
        using var repo = new TempDirectory();
        repo.Write("plan/a.yaml", "id: a\ndepends_on: [c]\n");
        repo.Write("plan/b.yaml", "id: b\ndepends_on: [a]\nfiles_scope: 3\n");
        repo.Write("plan/c.yaml", "id: c\ndepends_on: [b]\n");

        var results = FileValidator.Validate(repo.Combine("plan"), repo.Path);

        var codes = results.SelectMany(r => r.Diagnostics).Where(d => d.IsError).Select(d => d.Code).Order().ToArray();
        CollectionAssert.AreEqual(new[] { "ORCH1005", "ORCH1103" }, codes, string.Join('\n', results.SelectMany(r => r.Diagnostics)));
    }
}
