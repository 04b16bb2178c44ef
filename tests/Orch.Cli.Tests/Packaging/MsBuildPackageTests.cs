using System.IO.Compression;
using System.Xml.Linq;
using Microsoft.Data.Sqlite;
using Orch.Cli.Tests.Support;
using Orch.Testing;

namespace Orch.Cli.Tests.Packaging;

[TestClass]
[TestCategory(Categories.Process)]
public sealed class MsBuildPackageTests
{
    private static string Library(string version, string extraProperties = "") => $"""
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <TargetFramework>net10.0</TargetFramework>
            {extraProperties}
          </PropertyGroup>
          <ItemGroup>
            <PackageReference Include="Orch.MSBuild" Version="{version}" PrivateAssets="all" />
          </ItemGroup>
        </Project>
        """;

    // Seeded finding: two spaces too many at line 5, column 5 — what `dotnet format` reports and STATIC surfaces.
    private const string Unformatted = "namespace App;\n\npublic static class Greeter\n{\n      public static string Hello() => \"hi\";\n}\n";

    [TestMethod]
    public void Packages_CarryReadmeLicenseRepositoryAndTags_AndNoMsBuildEngineAssemblies()
    {
        foreach (var id in new[] { "Orch.Tool", "Orch.MSBuild", "Orch.Abstractions" })
        {
            using var package = ZipFile.OpenRead(Path.Combine(PackagedFeed.Feed, $"{id}.{PackagedFeed.Version}.nupkg"));
            var nuspec = XDocument.Load(package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
            var metadata = nuspec.Root!.Elements().Single(e => e.Name.LocalName == "metadata");
            string? Field(string name) => metadata.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value;
            Assert.AreEqual("README.md", Field("readme"), id);
            Assert.AreEqual("MIT", Field("license"), id);
            Assert.IsTrue(metadata.Elements().Any(e => e.Name.LocalName == "repository"), $"{id} has no repository");
            Assert.IsFalse(string.IsNullOrWhiteSpace(Field("tags")), $"{id} has no tags");
            Assert.IsTrue(package.Entries.Any(e => e.FullName == "README.md"), $"{id} does not carry its readme");
            if (id == "Orch.MSBuild")
            {
                var names = package.Entries.Select(e => Path.GetFileName(e.FullName)).ToList();
                CollectionAssert.IsSubsetOf(new[] { "Orch.MSBuild.props", "Orch.MSBuild.targets", "Orch.MSBuild.dll", "Orch.Cli.dll" }, names);
                Assert.IsTrue(package.Entries.Any(e => e.FullName.StartsWith("buildTransitive/", StringComparison.Ordinal)));
                Assert.IsFalse(names.Any(n => n.StartsWith("Microsoft.Build", StringComparison.Ordinal)),
                    $"the package ships no Microsoft.Build.* assembly: {string.Join(", ", names.Where(n => n.StartsWith("Microsoft.Build", StringComparison.Ordinal)))}");
            }
        }
    }

    [TestMethod]
    public void Packages_CarryNativeSqliteOnlyForTheSupportedPlatformsAndStaySmall()
    {
        string[] supported = ["linux-arm64", "linux-x64", "osx-arm64", "osx-x64", "win-arm64", "win-x64"];
        // Orch.Tool.any is the portable package that platforms without one of their own install.
        foreach (var id in new[] { "Orch.Tool.any", "Orch.MSBuild" })
        {
            var path = Path.Combine(PackagedFeed.Feed, $"{id}.{PackagedFeed.Version}.nupkg");
            using var package = ZipFile.OpenRead(path);

            var runtimes = package.Entries.Select(e => e.FullName.Split('/')).Where(p => p.Contains("runtimes"))
                .Select(p => p[Array.IndexOf(p, "runtimes") + 1]).Distinct().Order(StringComparer.Ordinal).ToArray();
            CollectionAssert.AreEqual(supported, runtimes, $"{id} carries native libraries for: {string.Join(", ", runtimes)}");
            // Measured at 7.5 MB packed and 15 MB unpacked (README, "Packages"); the bound catches a platform sneaking back in.
            Assert.IsLessThan(12 * 1024 * 1024, new FileInfo(path).Length, $"{id} is {new FileInfo(path).Length / 1024 / 1024} MB");
        }
    }

    [TestMethod]
    public void ToolPackage_InstalledIntoAToolPath_IsThisPlatformsPrecompiledPackage_AndRunsAndReportsItsVersion()
    {
        using var dir = new TempDirectory();
        var toolPath = dir.Combine("tools");

        var install = PackagedFeed.Run(dir.Path, "dotnet", "tool", "install", "Orch.Tool", "--tool-path", toolPath, "--add-source", PackagedFeed.Feed, "--version", PackagedFeed.Version);
        var version = PackagedFeed.Run(dir.Path, Path.Combine(toolPath, "dotnet-orch"), "--version");

        Assert.AreEqual(0, install.Exit, install.Output);
        Assert.AreEqual(0, version.Exit, version.Output);
        StringAssert.StartsWith(version.Output.Trim(), PackagedFeed.Version);
        var installed = Directory.GetFiles(toolPath, "Orch.Cli.dll", SearchOption.AllDirectories).Single();
        StringAssert.Contains(installed, $"orch.tool.{PackagedFeed.ToolRuntime}", "the install took this platform's package, not the portable one");
        Assert.IsTrue(IsReadyToRun(installed), "its code is precompiled, so commands start without compiling Orch first");
    }

    [TestMethod]
    public void ToolPackages_ArePlatformPackagesWithTheirOwnSqliteOnly_AndAPortableOneForTheRest()
    {
        var platform = PackagedFeed.ToolRuntime;
        using var pointer = ZipFile.OpenRead(Path.Combine(PackagedFeed.Feed, $"Orch.Tool.{PackagedFeed.Version}.nupkg"));
        using var native = ZipFile.OpenRead(Path.Combine(PackagedFeed.Feed, $"Orch.Tool.{platform}.{PackagedFeed.Version}.nupkg"));
        using var portable = ZipFile.OpenRead(Path.Combine(PackagedFeed.Feed, $"Orch.Tool.any.{PackagedFeed.Version}.nupkg"));
        using var dir = new TempDirectory();

        var settings = XDocument.Load(pointer.Entries.Single(e => e.FullName.EndsWith("DotnetToolSettings.xml", StringComparison.Ordinal)).Open());
        var choices = settings.Descendants().Where(e => e.Name.LocalName == "RuntimeIdentifierPackage").Select(e => e.Attribute("RuntimeIdentifier")!.Value).ToList();
        var sqlite = native.Entries.Where(e => Path.GetFileName(e.FullName).Contains("e_sqlite3", StringComparison.Ordinal) && !e.FullName.EndsWith(".dll", StringComparison.Ordinal)).ToList();
        var cli = native.Entries.Single(e => e.Name == "Orch.Cli.dll");
        cli.ExtractToFile(dir.Combine("native.dll"));
        portable.Entries.Single(e => e.Name == "Orch.Cli.dll").ExtractToFile(dir.Combine("portable.dll"));

        CollectionAssert.Contains(choices, platform);
        CollectionAssert.Contains(choices, "any", "a platform without a package of its own installs the portable one");
        Assert.HasCount(1, sqlite, $"the {platform} package carries its own native SQLite and no other: {string.Join(", ", sqlite.Select(e => e.FullName))}");
        Assert.IsFalse(native.Entries.Any(e => e.FullName.Contains("/runtimes/", StringComparison.Ordinal)));
        Assert.IsTrue(IsReadyToRun(dir.Combine("native.dll")), "the platform package is precompiled");
        Assert.IsFalse(IsReadyToRun(dir.Combine("portable.dll")), "the portable one cannot be: precompiled code is for one platform");
    }

    // A ReadyToRun image carries a managed native header beside its IL.
    private static bool IsReadyToRun(string assembly)
    {
        using var reader = new System.Reflection.PortableExecutable.PEReader(File.OpenRead(assembly));
        return reader.PEHeaders.CorHeader!.ManagedNativeHeaderDirectory.Size > 0;
    }

    [TestMethod]
    public void Build_WithSeededFinding_ShowsItAsWarningThenAsErrorAndDisabledLeavesNoTrace()
    {
        using var repo = new TestRepository(new Dictionary<string, string> { [".gitignore"] = "bin/\nobj/\n.orch/\n", ["Greeter.cs"] = Unformatted });
        repo.Write("App.csproj", Library(PackagedFeed.Version));
        PackagedFeed.AddFeed(repo.Path);
        var file = repo.Combine("Greeter.cs");

        var warning = PackagedFeed.Run(repo.Path, "dotnet", "build", "-p:OrchStaticEnabled=true");
        var error = PackagedFeed.Run(repo.Path, "dotnet", "build", "-p:OrchStaticEnabled=true", "-p:OrchStaticSeverity=error");
        var incremental = PackagedFeed.Run(repo.Path, "dotnet", "build", "-p:OrchStaticEnabled=true");

        Assert.AreEqual(0, warning.Exit, warning.Output);
        StringAssert.Contains(warning.Output, $"{file}(5,5): warning ORCH1501: WHITESPACE: Fix whitespace formatting.");
        Assert.AreNotEqual(0, error.Exit, "OrchStaticSeverity=error must fail the build");
        StringAssert.Contains(error.Output, $"{file}(5,5): error ORCH1501: WHITESPACE");
        StringAssert.Contains(incremental.Output, "warning ORCH1501", "an incremental build still reports the saved findings");
        Assert.AreEqual(Unformatted, File.ReadAllText(file), "STATIC inside a build never changes a source file");
        using (var db = new SqliteConnection($"Data Source={repo.Combine(".orch", "state.db")};Pooling=False"))
        {
            db.Open();
            using var cmd = db.CreateCommand();
            cmd.CommandText = "SELECT COUNT(*) FROM findings WHERE code = 'WHITESPACE';";
            Assert.IsGreaterThan(0L, (long)cmd.ExecuteScalar()!, "the findings are recorded in the state database");
        }

        Directory.Delete(repo.Combine("obj"), recursive: true);
        Directory.Delete(repo.Combine(".orch"), recursive: true);
        var disabled = PackagedFeed.Run(repo.Path, "dotnet", "build", "-p:OrchStaticEnabled=true", "-p:OrchEnabled=false");

        Assert.AreEqual(0, disabled.Exit, disabled.Output);
        Assert.DoesNotContain("ORCH", disabled.Output);
        Assert.IsFalse(Directory.Exists(repo.Combine("obj", "orch")), "OrchEnabled=false leaves no obj/orch");
        Assert.IsFalse(Directory.Exists(repo.Combine(".orch")), "and no state database");
    }

    [TestMethod]
    public void BootstrapTarget_WritesOrchSettingsForTheProject()
    {
        using var repo = new TestRepository(new Dictionary<string, string> { [".gitignore"] = "bin/\nobj/\n", ["Greeter.cs"] = Unformatted });
        repo.Write("App.csproj", Library(PackagedFeed.Version));
        PackagedFeed.AddFeed(repo.Path);

        var (exit, output) = PackagedFeed.Run(repo.Path, "dotnet", "build", "-t:OrchBootstrap");

        Assert.AreEqual(0, exit, output);
        StringAssert.Contains(File.ReadAllText(repo.Combine(".orch", "orch.yaml")), "profile: \"dotnet\"");
        StringAssert.Contains(output, "wrote .orch/orch.yaml");
        Assert.IsTrue(File.Exists(repo.Combine(".orch", "workstreams", "starter.yaml")));
    }

    [TestMethod]
    public async Task Test_ResultsAreRecordedAndARegressionAgainstMainFailsTheGate()
    {
        using var repo = new TestRepository(new Dictionary<string, string>
        {
            [".gitignore"] = "bin/\nobj/\n.orch/\n",
            ["Tests.cs"] = "using Microsoft.VisualStudio.TestTools.UnitTesting;\n[assembly: Parallelize(Scope = ExecutionScope.MethodLevel)]\nnamespace Rt;\n[TestClass]\npublic sealed class T\n{\n    [TestMethod] public void Concats() => Assert.AreEqual(\"ab\", string.Concat(\"a\", \"b\"));\n}\n",
        });
        repo.Write("Rt.Tests.csproj", Library(PackagedFeed.Version, "<IsTestProject>true</IsTestProject>").Replace("</ItemGroup>",
            "  <PackageReference Include=\"MSTest\" Version=\"4.5.2\" />\n  </ItemGroup>", StringComparison.Ordinal));
        PackagedFeed.AddFeed(repo.Path);
        repo.Git("add", "-A");
        repo.Git("commit", "-q", "-m", "tests");
        repo.Git("branch", "-M", "main");

        var onMain = PackagedFeed.Run(repo.Path, "dotnet", "test", "-p:OrchRuntimeEnabled=true");

        Assert.AreEqual(0, onMain.Exit, onMain.Output);
        StringAssert.Contains(onMain.Output, "recorded 1 test result(s) of Rt.Tests.csproj on main");
        repo.Git("checkout", "-q", "-b", "feature");
        File.WriteAllText(repo.Combine("Tests.cs"), File.ReadAllText(repo.Combine("Tests.cs")).Replace("\"b\")", "\"c\")", StringComparison.Ordinal));
        repo.Git("commit", "-q", "-am", "break");

        var (exit, output, err) = await OrchRunner.RunAsync(repo.Path, repo.Combine(".orch", "state.db"), "test", "Rt.Tests.csproj");

        Assert.AreEqual(1, exit, output + err);
        StringAssert.Contains(err, "Tests.cs(7): error ORCH1602: Concats passed on main and fails now", "the gate points at the failing test");
        using var db = new SqliteConnection($"Data Source={repo.Combine(".orch", "state.db")};Pooling=False");
        db.Open();
        using var cmd = db.CreateCommand();
        cmd.CommandText = "SELECT branch || ':' || outcome FROM test_results ORDER BY id;";
        var rows = new List<string>();
        using (var reader = cmd.ExecuteReader())
        {
            while (reader.Read())
            {
                rows.Add(reader.GetString(0));
            }
        }

        CollectionAssert.AreEqual(new[] { "main:passed", "feature:failed" }, rows);
    }
}
