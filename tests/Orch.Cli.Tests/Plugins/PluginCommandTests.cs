using System.IO.Compression;
using System.Text.Json;
using Orch.Cli.Tests.Packaging;
using Orch.Core.Schemas;
using Orch.Testing;

namespace Orch.Cli.Tests.Plugins;

/// <summary>
/// The sample plugin, packed by <c>dotnet pack</c> into a local feed, installed with <c>plugin add</c> as a team would,
/// then used, listed, tampered with and restored.
/// </summary>
[TestClass]
[TestCategory(Categories.Process)]
public sealed class PluginCommandTests
{
    private const string Sample = "Orch.Samples.MarkerCheck";
    private static readonly string Version = $"1.0.0-test.{DateTime.UtcNow:yyyyMMddHHmmss}.{Random.Shared.Next(100000)}";
    private static string s_feed = "";

    [ClassInitialize]
    public static void PackTheSample(TestContext context)
    {
        s_feed = Path.Combine(Path.GetTempPath(), "orch-tests", "plugin-feed-" + Guid.NewGuid().ToString("N")[..8]);
        // The solution build made it; packing without building leaves the shared projects' outputs alone.
        var (exit, output) = PackagedFeed.Run(SourceTree.Root(), "dotnet", "pack", "samples/plugins/MarkerCheck/Orch.Samples.MarkerCheck.csproj",
            "-c", SourceTree.Configuration, "--no-build", "-o", s_feed, $"-p:Version={Version}", "--nologo");
        Assert.AreEqual(0, exit, output);
    }

    [ClassCleanup]
    public static void RemoveTheFeed()
    {
        if (Directory.Exists(s_feed))
        {
            Directory.Delete(s_feed, recursive: true);
        }
    }

    private static string Package => Path.Combine(s_feed, $"{Sample}.{Version}.nupkg");

    /// <summary>A repository whose nuget.config adds the feed to the usual sources (where the plugin's YamlDotNet comes from).</summary>
    private static TestRepository Repository(string feed) => new(new Dictionary<string, string>
    {
        [".gitignore"] = ".orch/\n",
        ["nuget.config"] = $"<configuration><packageSources><add key=\"plugins\" value=\"{feed}\" /></packageSources></configuration>\n",
        ["src/a.txt"] = "line one\n// TODO: remove this\n",
        // The edit leaves the marker: STATIC must find it through the plugin's adapter, with its file and line.
        ["plan.yaml"] = "workstreams:\n  - {id: notes, files_scope: [src/], edit: {tool: script, command: [sh, -c, 'echo line two >> src/a.txt']}, " +
                        "static: [[marker-check, src/]], runtime: [], circuit_breaker: {max_attempts: 1}}\n",
    });

    private static Task<(int Exit, string Out, string Err)> Orch(TestRepository repo, params string[] args) =>
        OrchProcess.RunAsync(repo.Path, repo.Combine(".orch", "state.db"), null, args);

    [TestMethod]
    public async Task PluginAdd_FromALocalFeed_ItsAdapterRunsInStaticAndItAppearsInToolsAndProfiles()
    {
        using var repo = Repository(s_feed);

        var added = await Orch(repo, "plugin", "add", Sample, "--version", Version);

        Assert.AreEqual(0, added.Exit, added.Out + added.Err);
        using var lockFile = JsonDocument.Parse(File.ReadAllText(repo.Combine(".orch", "plugins.lock")));
        var packages = lockFile.RootElement.GetProperty("plugins")[0].GetProperty("packages").EnumerateArray()
            .ToDictionary(p => p.GetProperty("id").GetString()!, p => p.GetProperty("version").GetString()!);
        Assert.AreEqual(Version, packages[Sample]);
        Assert.AreEqual("16.3.0", packages["YamlDotNet"], "the plugin's own dependency, resolved from the usual sources");

        var tools = await Orch(repo, "tools", "--format", "json");
        var markerCheck = JsonDocument.Parse(tools.Out).RootElement.GetProperty("tools").EnumerateArray().Single(t => t.GetProperty("name").GetString() == "marker-check");
        Assert.AreEqual($"{Sample} {Version}", markerCheck.GetProperty("origin").GetString());
        StringAssert.Contains(markerCheck.GetProperty("version").GetString(), "YamlDotNet 16.", "the plugin runs with its own YamlDotNet; Orch's is 18");

        var profiles = await Orch(repo, "profiles", "list", "--format", "json");
        var markers = JsonDocument.Parse(profiles.Out).RootElement.GetProperty("profiles").EnumerateArray().Single(p => p.GetProperty("id").GetString() == "markers");
        Assert.AreEqual($"{Sample} {Version}", markers.GetProperty("origin").GetString());

        var run = await Orch(repo, "run", "plan.yaml", "--format", "json");

        Assert.AreEqual(1, run.Exit, "the marker is still there, so STATIC fails:\n" + run.Out + run.Err);
        StringAssert.Contains(run.Out, "MC001");
        StringAssert.Contains(run.Out, "src/a.txt");

        // --force: the run left its own .orch/.gitignore, which bootstrap would otherwise keep and stop at.
        var bootstrapped = await Orch(repo, "bootstrap", "--profile", "markers", "--force");

        Assert.AreEqual(0, bootstrapped.Exit, bootstrapped.Out + bootstrapped.Err);
        StringAssert.Contains(File.ReadAllText(repo.Combine(".orch", "orch.yaml")), "profile: \"markers\"");
    }

    [TestMethod]
    public async Task PluginAdd_WhenNuGetPolicyRequiresSignatures_RefusesTheUnsignedPackage()
    {
        using var repo = Repository(s_feed);
        File.WriteAllText(repo.Combine("nuget.config"),
            $"<configuration><config><add key=\"signatureValidationMode\" value=\"require\" /></config>" +
            $"<packageSources><add key=\"plugins\" value=\"{s_feed}\" /></packageSources></configuration>\n");

        var (exit, _, error) = await Orch(repo, "plugin", "add", Sample, "--version", Version);

        Assert.AreEqual(2, exit, error);
        StringAssert.Contains(error, "fails NuGet's signature policy");
        Assert.IsFalse(File.Exists(repo.Combine(".orch", "plugins.lock")));
    }

    [TestMethod]
    public async Task PluginRestore_WhenThePackageWasSwappedAfterLocking_RefusesItByName_AndRestoresTheLockedBytes()
    {
        var feed = Path.Combine(Path.GetTempPath(), "orch-tests", "plugin-feed-copy-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(feed);
        var copy = Path.Combine(feed, Path.GetFileName(Package));
        File.Copy(Package, copy);
        try
        {
            using var repo = Repository(feed);
            Assert.AreEqual(0, (await Orch(repo, "plugin", "add", Sample, "--version", Version)).Exit);
            var original = File.ReadAllBytes(copy);
            // Someone replaces the package on the feed: same id and version, other bytes.
            using (var zip = ZipFile.Open(copy, ZipArchiveMode.Update))
            {
                using var writer = new StreamWriter(zip.CreateEntry("lib/net10.0/extra.txt").Open());
                writer.Write("not what was reviewed");
            }

            Directory.Delete(repo.Combine(".orch", "plugins"), recursive: true);

            var refused = await Orch(repo, "plugin", "restore");

            Assert.AreEqual(2, refused.Exit, refused.Out + refused.Err);
            StringAssert.Contains(refused.Err, $"{Sample} {Version} (for plugin {Sample}) does not match plugins.lock");
            Assert.IsFalse(Directory.Exists(repo.Combine(".orch", "plugins", Sample.ToLowerInvariant(), Version)), "nothing of the swapped package is installed");

            File.WriteAllBytes(copy, original);
            var restored = await Orch(repo, "plugin", "restore");
            var listed = await Orch(repo, "plugin", "list", "--format", "json");

            Assert.AreEqual(0, restored.Exit, restored.Out + restored.Err);
            SchemaAssert.Valid(SchemaCatalog.PluginsOutput, listed.Out);
            Assert.IsTrue(JsonDocument.Parse(listed.Out).RootElement.GetProperty("plugins")[0].GetProperty("loaded").GetBoolean(), listed.Out + listed.Err);
        }
        finally
        {
            Directory.Delete(feed, recursive: true);
        }
    }

    [TestMethod]
    public async Task BrokenPlugin_IsReportedOnStderr_AndCommandsThatDoNotNeedItExitZero()
    {
        using var repo = Repository(s_feed);
        Assert.AreEqual(0, (await Orch(repo, "plugin", "add", Sample, "--version", Version)).Exit);
        File.Delete(Path.Combine(repo.Combine(".orch", "plugins", Sample.ToLowerInvariant(), Version), "YamlDotNet.dll"));

        var tools = await Orch(repo, "tools");
        var profiles = await Orch(repo, "profiles", "list");

        Assert.AreEqual(0, tools.Exit, tools.Out + tools.Err);
        StringAssert.Contains(tools.Err, $"warning: plugin {Sample} {Version} needs YamlDotNet 16.0.0.0, which is not in its folder");
        Assert.IsFalse(tools.Out.Contains("marker-check", StringComparison.Ordinal), "the broken plugin's adapter is left out");
        Assert.AreEqual(0, profiles.Exit, profiles.Out + profiles.Err);
        StringAssert.Contains(profiles.Out, "dotnet");
    }

    [TestMethod]
    public async Task PluginAdd_UnknownPackage_SaysWhereItLookedWithExitTwo()
    {
        using var repo = Repository(s_feed);

        var (exit, _, error) = await Orch(repo, "plugin", "add", "Orch.Samples.DoesNotExist", "--source", s_feed);

        Assert.AreEqual(2, exit);
        StringAssert.Contains(error, "no package 'Orch.Samples.DoesNotExist' was found in");
        Assert.IsFalse(File.Exists(repo.Combine(".orch", "plugins.lock")), "a failed add writes no lock");
    }
}
