using Orch.Core.Bootstrap;
using Orch.Core.Testing.Dotnet;
using Orch.Testing;

namespace Orch.Core.Tests.Testing;

/// <summary>Which platform a test project is on, and the command each platform must be run with.</summary>
[TestClass]
public sealed class DotnetTestPlannerTests
{
    private static (TestPlatform, string?) Classify(string[] packages, params (string Name, string Value)[] properties) =>
        TestPlatformDetector.Classify(name => properties.FirstOrDefault(p => p.Name == name).Value ?? "", packages);

    [TestMethod]
    public void Classify_TheShapesTestProjectsTake_GivesTheirPlatformAndFramework()
    {
        Assert.AreEqual((TestPlatform.TestingPlatform, "xunit.v3"), Classify(["xunit.v3.mtp-v2"]), "before restore, from the package alone");
        Assert.AreEqual((TestPlatform.TestingPlatform, "xunit.v3"), Classify(["xunit.v3"], ("IsTestingPlatformApplication", "true")));
        Assert.AreEqual((TestPlatform.VSTest, "xunit.v3"), Classify(["xunit.v3", "xunit.runner.visualstudio", "Microsoft.NET.Test.Sdk"], ("IsTestingPlatformApplication", "true")));
        Assert.AreEqual((TestPlatform.TestingPlatform, "mstest"), Classify(["MSTest"], ("EnableMSTestRunner", "true"), ("IsTestProject", "true")));
        Assert.AreEqual((TestPlatform.VSTest, "mstest"), Classify(["MSTest", "Microsoft.NET.Test.Sdk"], ("IsTestProject", "true")));
        Assert.AreEqual((TestPlatform.TestingPlatform, "mstest"), Classify([], ("UsingMSTestSdk", "true")));
        Assert.AreEqual((TestPlatform.VSTest, "mstest"), Classify([], ("UsingMSTestSdk", "true"), ("UseVSTest", "true"), ("IsTestProject", "true")));
        Assert.AreEqual((TestPlatform.VSTest, "nunit"), Classify(["NUnit", "NUnit3TestAdapter", "Microsoft.NET.Test.Sdk"], ("IsTestingPlatformApplication", "false")));
        Assert.AreEqual((TestPlatform.TestingPlatform, "nunit"), Classify(["NUnit", "NUnit3TestAdapter"], ("EnableNUnitRunner", "true")));
        Assert.AreEqual((TestPlatform.TestingPlatform, "tunit"), Classify(["TUnit"]));
        Assert.AreEqual((TestPlatform.VSTest, "xunit"), Classify(["xunit", "xunit.runner.visualstudio", "Microsoft.NET.Test.Sdk"]));
        Assert.AreEqual((TestPlatform.None, (string?)null), Classify(["Newtonsoft.Json"]));
    }

    [TestMethod]
    public void Handles_PlainDotnetTest_ButNotOneThatChoosesItsOwnReport()
    {
        Assert.IsTrue(DotnetTestPlanner.Handles(["dotnet", "test", "--nologo"]));
        Assert.IsTrue(DotnetTestPlanner.Handles(["dotnet", "test", "App.sln", "-c", "Release"]));
        Assert.IsFalse(DotnetTestPlanner.Handles(["dotnet", "test", "--logger", "trx"]));
        Assert.IsFalse(DotnetTestPlanner.Handles(["dotnet", "test", "--", "--report-trx"]));
        Assert.IsFalse(DotnetTestPlanner.Handles(["dotnet", "build"]));
        CollectionAssert.AreEqual(new[] { "-c", "Release", "-p:X=1" }, DotnetTestPlanner.BuildOptions(["dotnet", "test", "--nologo", "-c", "Release", "-p:X=1", "--filter", "A"]).ToArray());
    }

    [TestMethod]
    public void Invocations_UnderVSTestMode_RunTestingPlatformAppsThemselvesOneFrameworkAtATime()
    {
        using var dir = new TempDirectory();
        var projects = new[]
        {
            Project("v.csproj", TestPlatform.VSTest, "xunit", ["net10.0"]),
            Project("x.csproj", TestPlatform.TestingPlatform, "xunit.v3", ["net10.0"]),
            Project("m.csproj", TestPlatform.TestingPlatform, "mstest", ["net8.0", "net10.0"]) with { TrxReport = true },
            Project("t.csproj", TestPlatform.TestingPlatform, "tunit", ["net10.0"]),
        };

        var invocations = DotnetTestPlanner.Invocations(projects, dir.Path, "/r", []);

        Assert.AreEqual("dotnet test v.csproj --no-build --logger trx --results-directory /r/v", string.Join(' ', invocations[0].Command));
        Assert.AreEqual("dotnet run --project x.csproj --no-build -- -result-trx /r/x/x.trx -noColor", string.Join(' ', invocations[1].Command));
        Assert.AreEqual("dotnet run --project m.csproj --no-build --framework net8.0 -- --results-directory /r/m/net8.0 --report-trx", string.Join(' ', invocations[2].Command));
        Assert.AreEqual("dotnet run --project m.csproj --no-build --framework net10.0 -- --results-directory /r/m/net10.0 --report-trx", string.Join(' ', invocations[3].Command));
        Assert.AreEqual("console output", invocations[4].Reads, "no TRX extension: the printed failures are read");
    }

    [TestMethod]
    public void Invocations_WhenGlobalJsonSelectsTheTestingPlatform_UseDotnetTestWithEachProjectsOwnReport()
    {
        using var dir = new TempDirectory();
        dir.Write("global.json", "{ \"test\": { \"runner\": \"Microsoft.Testing.Platform\" } }");
        var projects = new[]
        {
            Project("x.csproj", TestPlatform.TestingPlatform, "xunit.v3", ["net10.0"]),
            Project("m.csproj", TestPlatform.TestingPlatform, "mstest", ["net10.0"]) with { TrxReport = true },
            Project("t.csproj", TestPlatform.TestingPlatform, "tunit", ["net10.0"]),
        };

        var commands = DotnetTestPlanner.Invocations(projects, dir.Path, "/r", ["-c", "Release"]).Select(i => string.Join(' ', i.Command)).ToList();

        CollectionAssert.AreEqual(new[]
        {
            "dotnet test --project x.csproj --no-build -c Release --results-directory /r/x --report-xunit-trx",
            "dotnet test --project m.csproj --no-build -c Release --results-directory /r/m --report-trx",
            "dotnet test --project t.csproj --no-build -c Release --results-directory /r/t",
        }, commands);
    }

    [TestMethod]
    public void ProjectFiles_OfASolutionOrAFolder_AreTheProjectsItHolds()
    {
        using var dir = new TempDirectory();
        dir.Write("src/A/A.csproj", "<Project />");
        dir.Write("tests/B/B.csproj", "<Project />");
        dir.Write("tests/B/obj/Gen.csproj", "<Project />");
        dir.Write("App.sln", "Project(\"{FAE04EC0-301F-11D3-BF4B-00C04F79EFBC}\") = \"B\", \"tests\\B\\B.csproj\", \"{5B0C3A4E-1D55-4C53-9C55-5D3A4F2B1A02}\"\r\nEndProject\r\n");

        CollectionAssert.AreEqual(new[] { dir.Combine("tests", "B", "B.csproj") }, DotnetTestPlanner.ProjectFiles(dir.Path).ToArray(), "the folder's one solution");
        File.Delete(dir.Combine("App.sln"));
        CollectionAssert.AreEqual(new[] { dir.Combine("src", "A", "A.csproj"), dir.Combine("tests", "B", "B.csproj") }, DotnetTestPlanner.ProjectFiles(dir.Path).ToArray(),
            "no solution: every project, never one under obj/");
    }

    private static DotnetProject Project(string path, TestPlatform platform, string framework, string[] frameworks) =>
        new(path, frameworks, platform, framework, [], 0, "test");
}
