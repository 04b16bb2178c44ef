using System.Text.Json;
using Orch.Core.Jobs;
using Orch.Core.Planning;
using Orch.Core.Schemas;
using Orch.Core.Settings;
using Orch.Testing;

namespace Orch.Core.Tests.Schemas;

/// <summary>
/// The schemas are the single source of truth: every field a reader accepts must be in its schema and every schema
/// property must be read. The readers say which fields they know in their unknown-field hint; that list is compared
/// with the schema's properties.
/// </summary>
[TestClass]
public sealed class ModelSchemaDriftTests
{
    private static string[] SchemaProperties(string schema, params string[] path)
    {
        var node = JsonDocument.Parse(SchemaCatalog.Text(schema)).RootElement;
        foreach (var step in path)
        {
            node = node.GetProperty(step);
        }

        return node.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToArray();
    }

    private static string[] KnownFields(IEnumerable<Diagnostics.OrchDiagnostic> diagnostics, string unknown)
    {
        var hint = diagnostics.Single(d => d.Message.Contains($"'{unknown}'", StringComparison.Ordinal)).Hint!;
        return hint["Known fields here: ".Length..].TrimEnd('.').Split(", ").Order(StringComparer.Ordinal).ToArray();
    }

    [TestMethod]
    public void JobReader_KnowsExactlyTheJobSchemaFields()
    {
        using var repo = new TempDirectory();
        var file = repo.Write("job.yaml", "id: j\ncommand: [true]\nzzz: 1\nretry: {zzz: 1}\n");

        var diagnostics = new JobLoader(new RepositoryPaths(repo.Path)).Load(file).Diagnostics;

        CollectionAssert.AreEqual(SchemaProperties(SchemaCatalog.Job), KnownFields(diagnostics, "zzz"));
        CollectionAssert.AreEqual(SchemaProperties(SchemaCatalog.Job, "properties", "retry"), KnownFields(diagnostics, "retry.zzz"));
    }

    [TestMethod]
    public void WorkstreamReader_KnowsExactlyTheWorkstreamSchemaFields()
    {
        using var repo = new TempDirectory();
        var file = repo.Write("ws.yaml", "id: w\nzzz: 1\nedit: {zzz: 1}\ncircuit_breaker: {zzz: 1}\nphase_budget_usd: {zzz: 1}\n");

        var diagnostics = PlanLoader.Load(file).Diagnostics;

        CollectionAssert.AreEqual(SchemaProperties(SchemaCatalog.Workstream), KnownFields(diagnostics, "zzz"));
        CollectionAssert.AreEqual(SchemaProperties(SchemaCatalog.Workstream, "properties", "edit"), KnownFields(diagnostics, "edit.zzz"));
        CollectionAssert.AreEqual(SchemaProperties(SchemaCatalog.Workstream, "properties", "circuit_breaker"), KnownFields(diagnostics, "circuit_breaker.zzz"));
        CollectionAssert.AreEqual(SchemaProperties(SchemaCatalog.Workstream, "properties", "phase_budget_usd"), KnownFields(diagnostics, "phase_budget_usd.zzz"));
    }

    [TestMethod]
    public void SettingsReader_KnowsExactlyTheSettingsSchemaFields()
    {
        using var repo = new TempDirectory();
        repo.Write(".orch/orch.yaml", "tools:\n  t: {zzz: 1, retry: {zzz: 1}, breaker: {zzz: 1}}\nbudgets: {zzz: 1}\nescalation: {zzz: 1}\n");

        var diagnostics = ProjectSettings.Load(repo.Path).Diagnostics;

        var tool = new[] { "properties", "tools", "additionalProperties" };
        CollectionAssert.AreEqual(SchemaProperties(SchemaCatalog.Settings, tool), KnownFields(diagnostics, "tools.t.zzz"));
        CollectionAssert.AreEqual(SchemaProperties(SchemaCatalog.Settings, [.. tool, "properties", "retry"]), KnownFields(diagnostics, "tools.t.retry.zzz"));
        CollectionAssert.AreEqual(SchemaProperties(SchemaCatalog.Settings, [.. tool, "properties", "breaker"]), KnownFields(diagnostics, "tools.t.breaker.zzz"));
        CollectionAssert.AreEqual(SchemaProperties(SchemaCatalog.Settings, "properties", "budgets"), KnownFields(diagnostics, "budgets.zzz"));
        CollectionAssert.AreEqual(SchemaProperties(SchemaCatalog.Settings, "properties", "escalation"), KnownFields(diagnostics, "escalation.zzz"));
    }

    [TestMethod]
    public void BuiltInProfiles_MatchTheProfileSchemaAndItsFields()
    {
        var profiles = Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "profiles"), "*.yaml").ToList();
        Assert.HasCount(7, profiles);
        var schemaFields = SchemaProperties(SchemaCatalog.Profile);
        foreach (var file in profiles)
        {
            var diagnostics = new List<Diagnostics.OrchDiagnostic>();
            var document = Documents.SourceDocument.Load(file, diagnostics)!;
            var errors = SchemaValidator.Validate(document, document.Root, SchemaCatalog.Profile);
            Assert.IsEmpty(errors, string.Join('\n', errors));
            var keys = ((YamlDotNet.RepresentationModel.YamlMappingNode)document.Root).Children.Keys.Select(k => k.ToString()).ToArray();
            CollectionAssert.IsSubsetOf(keys, schemaFields, file);
        }

        // The profile reader knows exactly the schema's top-level fields: its unknown-field hint lists them.
        var readerDiagnostics = new List<Diagnostics.OrchDiagnostic>();
        Profiles.ProfileCatalog.ReadText("p.yaml", "id: x\nzzz: 1\n", readerDiagnostics);
        CollectionAssert.AreEqual(schemaFields, KnownFields(readerDiagnostics, "zzz"));
    }
}
