using Orch.Core.Bootstrap;
using Orch.Core.Profiles;
using Orch.Testing;

namespace Orch.Core.Tests.Bootstrap;

/// <summary>Real sample repositories made in temporary folders; .NET ones are in the CLI tests, which evaluate with MSBuild.</summary>
[TestClass]
public sealed class DiscoveryTests
{
    private sealed class NoDotnet : IDotnetProjectEvaluator
    {
        public DotnetProject Evaluate(string projectPath) => throw new AssertFailedException($"no .NET project expected, found {projectPath}");
    }

    private static (DiscoveryResult Discovery, ProfileSelection Selection) Bootstrap(TempDirectory repo)
    {
        var discovery = new RepositoryDiscovery(new NoDotnet(), TimeProvider.System).Discover(repo.Path);
        return (discovery, ProfileSelector.Select(discovery, ProfileCatalog.LoadBuiltIn().Value!));
    }

    [TestMethod]
    public void Discover_PythonPackageWithPytestAndRuff_PicksPythonWithEvidence()
    {
        using var repo = new TempDirectory();
        repo.Write("pyproject.toml", "[project]\nname = \"calc\"\ndependencies = []\n[project.optional-dependencies]\ntest = [\"pytest>=8\"]\n[tool.ruff]\nline-length = 100\n[tool.pytest.ini_options]\ntestpaths = [\"tests\"]\n");
        repo.Write("src/calc/__init__.py", "def add(a, b):\n    return a + b\n");
        repo.Write("tests/test_calc.py", "from calc import add\n\ndef test_add():\n    assert add(1, 2) == 3\n");
        repo.Write("requirements-dev.txt", "pytest\nruff\n");

        var (discovery, selection) = Bootstrap(repo);

        Assert.AreEqual("python", selection.Profile, selection.Reason);
        CollectionAssert.Contains(discovery.TestFrameworks.ToArray(), "pytest");
        CollectionAssert.Contains(discovery.Frameworks.ToArray(), "ruff");
        CollectionAssert.Contains(discovery.PackageManagers.ToArray(), "pip");
        Assert.IsTrue(discovery.Evidence.Any(e => e.Conclusion == "Python package" && e.Source == "pyproject.toml"));
        CollectionAssert.Contains(discovery.DirectoryStructure["test_dirs"].ToArray(), "tests/");
        StringAssert.StartsWith(selection.Reason, "python scored");
    }

    [TestMethod]
    public void Discover_NodeApp_PicksNodeAndReadsScriptsAndTestFramework()
    {
        using var repo = new TempDirectory();
        repo.Write("package.json", """{"name":"web","scripts":{"test":"jest","lint":"eslint ."},"dependencies":{"express":"^4"},"devDependencies":{"jest":"^29","eslint":"^9"}}""");
        repo.Write("package-lock.json", "{}");
        repo.Write("src/app.js", "module.exports = () => 1;\n");

        var (discovery, selection) = Bootstrap(repo);

        Assert.AreEqual("node", selection.Profile);
        CollectionAssert.Contains(discovery.TestFrameworks.ToArray(), "jest");
        CollectionAssert.Contains(discovery.PackageManagers.ToArray(), "npm");
        CollectionAssert.IsSubsetOf(new[] { "eslint", "express" }, discovery.Frameworks.ToArray());
        Assert.AreEqual("test, lint", discovery.Evidence.Single(e => e.Conclusion == "npm scripts").Detail);
    }

    [TestMethod]
    public void Discover_DocsOnlyTree_PicksDocs()
    {
        using var repo = new TempDirectory();
        repo.Write("mkdocs.yml", "site_name: Handbook\n");
        foreach (var page in new[] { "index", "setup", "usage", "faq" })
        {
            repo.Write($"docs/{page}.md", $"# {page}\n");
        }

        var (_, selection) = Bootstrap(repo);

        Assert.AreEqual("docs", selection.Profile);
        StringAssert.Contains(selection.Reason, "mkdocs site in mkdocs.yml");
    }

    [TestMethod]
    public void Discover_TerraformFolder_PicksOps()
    {
        using var repo = new TempDirectory();
        repo.Write("main.tf", "resource \"null_resource\" \"x\" {}\n");
        repo.Write("variables.tf", "variable \"region\" {}\n");

        var (discovery, selection) = Bootstrap(repo);

        Assert.AreEqual("ops", selection.Profile);
        CollectionAssert.Contains(discovery.Languages.ToArray(), "HCL");
    }

    [TestMethod]
    public void Discover_EmptyFolder_PicksGenericAndSaysWhy()
    {
        using var repo = new TempDirectory();

        var (discovery, selection) = Bootstrap(repo);

        Assert.AreEqual("generic", selection.Profile);
        Assert.AreEqual("no evidence of a language, framework or domain was found, so the generic profile applies", selection.Reason);
        Assert.AreEqual(0, discovery.DomainConfidence);
    }

    [TestMethod]
    public void Discover_FolderNamedLikeALanguage_IsNotEvidence()
    {
        using var repo = new TempDirectory();
        repo.Write("python/notes.txt", "nothing here\n");
        repo.Write("dotnet/readme.txt", "nor here\n");

        var (_, selection) = Bootstrap(repo);

        Assert.AreEqual("generic", selection.Profile, "folder names are never evidence");
    }

    [TestMethod]
    public void Artifacts_SecondRunAfterAnEdit_ShowsADiffAndKeepsTheEdit()
    {
        using var repo = new TempDirectory();
        repo.Write("main.tf", "terraform {}\n");
        var catalog = ProfileCatalog.LoadBuiltIn().Value!;
        var (discovery, selection) = Bootstrap(repo);
        BootstrapArtifacts.Write(repo.Path, BootstrapArtifacts.Plan(repo.Path, discovery, selection, catalog.Find(selection.Profile)!));
        File.AppendAllText(repo.Combine(".orch", "orch.yaml"), "# my note\n");

        var again = BootstrapArtifacts.Plan(repo.Path, discovery, selection, catalog.Find(selection.Profile)!);

        var changed = again.Single(a => a.WouldOverwrite);
        Assert.AreEqual(".orch/orch.yaml", changed.Path);
        StringAssert.Contains(BootstrapArtifacts.Diff(changed), "-# my note");
        Assert.IsTrue(again.Where(a => a != changed).All(a => a.Unchanged));
    }

    [TestMethod]
    public void Profiles_AllSevenLoadAndTheLegacyUetProfilesMapOntoThem()
    {
        var catalog = ProfileCatalog.LoadBuiltIn();

        Assert.IsTrue(catalog.Succeeded, string.Join('\n', catalog.Diagnostics));
        CollectionAssert.AreEqual(new[] { "data", "docs", "dotnet", "generic", "node", "ops", "python" }, catalog.Value!.All.Select(p => p.Id).ToArray());
        var legacy = Directory.EnumerateDirectories(TestData.Path("legacy", "uet", "profiles")).Select(Path.GetFileName).Order().ToArray();
        CollectionAssert.AreEquivalent(legacy, catalog.Value.All.SelectMany(p => p.LegacyProfiles).ToArray(), "each legacy UET profile maps onto exactly one Orch profile");
        var data = catalog.Value.Find("data")!;
        Assert.AreEqual("ruff check", data.Static[1].Display, "data inherits python's STATIC commands");
        Assert.AreEqual("claude", data.Routing["code_generation"][0], "and generic's routing");
    }
}
