using System.Text.Json;
using Orch.Cli.Tests.Support;
using Orch.Testing;

namespace Orch.Cli.Tests.Workflow;

[TestClass]
[TestCategory(Categories.Process)]
public sealed class BootstrapCommandTests
{
    /// <summary>A small real .NET solution: a library and its MSTest project.</summary>
    private static TestRepository DotnetSolution(Dictionary<string, string>? extra = null)
    {
        var files = new Dictionary<string, string>
        {
            [".gitignore"] = "bin/\nobj/\nTestResults/\n",
            ["Greeting.slnx"] = "<Solution>\n  <Project Path=\"src/Greeting/Greeting.csproj\" />\n  <Project Path=\"tests/Greeting.Tests/Greeting.Tests.csproj\" />\n</Solution>\n",
            ["src/Greeting/Greeting.csproj"] = "<Project Sdk=\"Microsoft.NET.Sdk\">\n  <PropertyGroup>\n    <TargetFramework>net10.0</TargetFramework>\n    <Nullable>enable</Nullable>\n  </PropertyGroup>\n</Project>\n",
            ["src/Greeting/Greeter.cs"] = "namespace Greeting;\n\npublic static class Greeter\n{\n    public static string Hello(string name) => $\"Hello, {name}!\";\n}\n",
            ["tests/Greeting.Tests/Greeting.Tests.csproj"] = "<Project Sdk=\"Microsoft.NET.Sdk\">\n  <PropertyGroup>\n    <TargetFramework>net10.0</TargetFramework>\n    <IsTestProject>true</IsTestProject>\n  </PropertyGroup>\n  <ItemGroup>\n    <PackageReference Include=\"MSTest\" Version=\"4.5.2\" />\n  </ItemGroup>\n  <ItemGroup>\n    <ProjectReference Include=\"..\\..\\src\\Greeting\\Greeting.csproj\" />\n  </ItemGroup>\n</Project>\n",
            ["tests/Greeting.Tests/GreeterTests.cs"] = "using Microsoft.VisualStudio.TestTools.UnitTesting;\n\n[assembly: Parallelize(Scope = ExecutionScope.MethodLevel)]\n\nnamespace Greeting.Tests;\n\n[TestClass]\npublic sealed class GreeterTests\n{\n    [TestMethod]\n    public void Hello_SaysHello() => Assert.AreEqual(\"Hello, Ada!\", Greeter.Hello(\"Ada\"));\n}\n",
        };
        foreach (var (path, content) in extra ?? [])
        {
            files[path] = content;
        }

        return new TestRepository(files);
    }

    [TestMethod]
    public async Task Bootstrap_DotnetSolutionWithMstest_PicksDotnetFromMsBuildEvaluationAndItsStarterRuns()
    {
        using var repo = DotnetSolution();
        var db = repo.Combine(".orch", "state.db");

        var (exit, output, err) = await OrchRunner.RunAsync(repo.Path, db, "bootstrap", "--format", "json");

        Assert.AreEqual(0, exit, err);
        var result = JsonDocument.Parse(output).RootElement;
        Assert.AreEqual("dotnet", result.GetProperty("selection").GetProperty("profile").GetString());
        var tests = result.GetProperty("discovery").GetProperty("dotnet_projects").EnumerateArray().Single(p => p.GetProperty("is_test_project").GetBoolean());
        Assert.AreEqual("tests/Greeting.Tests/Greeting.Tests.csproj", tests.GetProperty("path").GetString());
        Assert.AreEqual("msbuild", tests.GetProperty("evaluated_by").GetString(), "projects are evaluated by MSBuild, as dotnet build sees them");
        Assert.AreEqual("mstest", tests.GetProperty("test_framework").GetString());
        CollectionAssert.Contains(tests.GetProperty("target_frameworks").EnumerateArray().Select(t => t.GetString()).ToArray(), "net10.0");
        Assert.IsTrue(result.GetProperty("discovery").GetProperty("evidence").EnumerateArray().Any(e => e.GetProperty("conclusion").GetString() == "test project"));
        StringAssert.Contains(File.ReadAllText(repo.Combine(".orch", "orch.yaml")), "profile: \"dotnet\"");

        var run = await OrchRunner.RunAsync(repo.Path, db, "run", ".orch/workstreams/starter.yaml", "--format", "json");

        Assert.AreEqual(0, run.Exit, run.Err + run.Out);
        var checks = run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement)
            .Where(e => e.GetProperty("type").GetString() == "event" && e.GetProperty("kind").GetString() == "phase.checked")
            .Select(e => $"{e.GetProperty("data").GetProperty("phase").GetString()}:{e.GetProperty("data").GetProperty("passed").GetBoolean()}").ToArray();
        CollectionAssert.AreEqual(new[] { "STATIC:True", "RUNTIME:True" }, checks, "the dotnet profile's build and tests ran and passed");
    }

    [TestMethod]
    public async Task Bootstrap_DotnetRepositoryWithDocs_GetsADocsOverrideForTheDocsFolder()
    {
        using var repo = DotnetSolution(new Dictionary<string, string> { ["docs/index.md"] = "# Greeting\n", ["docs/usage.md"] = "# Usage\n", ["docs/api.md"] = "# API\n" });

        var (exit, output, err) = await OrchRunner.RunAsync(repo.Path, repo.Combine(".orch", "state.db"), "bootstrap", "--format", "json");

        Assert.AreEqual(0, exit, err);
        var selection = JsonDocument.Parse(output).RootElement.GetProperty("selection");
        Assert.AreEqual("dotnet", selection.GetProperty("profile").GetString());
        Assert.AreEqual("docs", selection.GetProperty("runner_up").GetString());
        var overrides = selection.GetProperty("overrides").EnumerateArray().Select(o => $"{o.GetProperty("path").GetString()}={o.GetProperty("profile").GetString()}").ToArray();
        CollectionAssert.AreEqual(new[] { "docs/=docs" }, overrides);
        StringAssert.Contains(File.ReadAllText(repo.Combine(".orch", "orch.yaml")), "path: \"docs/\"");
    }

    [TestMethod]
    public async Task Bootstrap_SecondRunOverEdits_ShowsTheDiffAndNeedsForce()
    {
        using var repo = new TestRepository(new Dictionary<string, string> { ["main.tf"] = "terraform {}\n" });
        var db = repo.Combine(".orch", "state.db");
        Assert.AreEqual(0, (await OrchRunner.RunAsync(repo.Path, db, "bootstrap")).Exit);
        File.AppendAllText(repo.Combine(".orch", "orch.yaml"), "# my own note\n");

        var second = await OrchRunner.RunAsync(repo.Path, db, "bootstrap");

        Assert.AreEqual(2, second.Exit);
        StringAssert.Contains(second.Err, "-# my own note");
        StringAssert.Contains(File.ReadAllText(repo.Combine(".orch", "orch.yaml")), "# my own note", "nothing is overwritten without --force");

        var forced = await OrchRunner.RunAsync(repo.Path, db, "bootstrap", "--force");

        Assert.AreEqual(0, forced.Exit, forced.Err);
        Assert.DoesNotContain("# my own note", File.ReadAllText(repo.Combine(".orch", "orch.yaml")));
    }

    [TestMethod]
    public async Task Profiles_ListAndShow_DescribeTheBuiltInProfiles()
    {
        using var dir = new TempDirectory();

        var list = await OrchRunner.RunAsync(dir, "profiles", "list", "--format", "json");
        var show = await OrchRunner.RunAsync(dir, "profiles", "show", "python", "--format", "json");
        var missing = await OrchRunner.RunAsync(dir, "profiles", "show", "cobol");

        Assert.AreEqual(0, list.Exit);
        Assert.HasCount(7, JsonDocument.Parse(list.Out).RootElement.GetProperty("profiles").EnumerateArray().ToList());
        var python = JsonDocument.Parse(show.Out).RootElement.GetProperty("profile");
        Assert.AreEqual("ruff", python.GetProperty("static")[1].GetProperty("command")[0].GetString());
        Assert.AreEqual("pytest", python.GetProperty("routing").GetProperty("testing")[0].GetString());
        Assert.AreEqual(2, missing.Exit);
    }
}
