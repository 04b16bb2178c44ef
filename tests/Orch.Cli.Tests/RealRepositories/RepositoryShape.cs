namespace Orch.Cli.Tests.RealRepositories;

/// <summary>
/// A small repository in one of the shapes real .NET projects take: a library <c>src/Lib</c> with <c>Calc.Add</c>, a test
/// project <c>tests/Lib.Tests</c> with three tests of it, a solution, and whatever makes the shape (a test platform, a
/// second target framework, analyzer warnings that were there before, CRLF in .editorconfig, a <c>master</c> branch).
/// Package versions are the ones the registry serves.
/// </summary>
public sealed record RepositoryShape(string Name, string Branch, string TestPlatform, string TestFramework, IReadOnlyDictionary<string, string> Files)
{
    /// <summary>Findings the base commit already has, which a workstream must leave alone.</summary>
    public int BaselineFindings { get; init; }

    /// <summary>Files in the workstream's scope that it never edits; they must come out of it byte for byte.</summary>
    public IReadOnlyList<string> Untouched { get; init; } = [];

    public override string ToString() => Name;

    private const string GlobalJsonMtp = "{\n  \"sdk\": { \"version\": \"10.0.100\", \"rollForward\": \"latestFeature\" },\n  \"test\": { \"runner\": \"Microsoft.Testing.Platform\" }\n}\n";

    private const string Calc = "namespace Lib\n{\n    public static class Calc\n    {\n        public static int Add(int a, int b) => a + b;\n    }\n}\n";

    /// <summary>What the fake AI tool writes in EDIT: Add through a helper whose loop reads one element too many.</summary>
    public const string BuggyCalc = "namespace Lib\n{\n    public static class Calc\n    {\n        public static int Add(int a, int b) => Sum(new[] { a, b }, 2);\n\n" +
                                    "        private static int Sum(int[] values, int count)\n        {\n            var total = 0;\n" +
                                    "            for (var i = 0; i <= count; i++)\n            {\n                total += values[i];\n            }\n\n" +
                                    "            return total;\n        }\n    }\n}\n";

    public static IEnumerable<RepositoryShape> All =>
    [
        XunitV3OnTestingPlatform, MSTestOnTestingPlatform, XunitV2OnVSTestWithMaster, NUnitOnVSTest, MultiTargeted, WarningsAndCrlf,
    ];

    /// <summary>xUnit.net v3 on Microsoft.Testing.Platform, selected in global.json, with no TRX extension.</summary>
    public static RepositoryShape XunitV3OnTestingPlatform => new("xunit.v3 on MTP without TRX", "main", "mtp", "xunit.v3", Solution(slnx: true, new()
    {
        ["global.json"] = GlobalJsonMtp,
        ["tests/Lib.Tests/Lib.Tests.csproj"] = TestProject("<OutputType>Exe</OutputType>", ("xunit.v3.mtp-v2", "4.0.2")),
        ["tests/Lib.Tests/CalcTests.cs"] = Tests("using Xunit;", "", "[Fact]", "Assert.Equal({0}, {1});"),
    }));

    /// <summary>MSTest 4 with its own runner on Microsoft.Testing.Platform (the meta-package brings the TRX extension).</summary>
    public static RepositoryShape MSTestOnTestingPlatform => new("MSTest 4 on MTP", "main", "mtp", "mstest", Solution(slnx: true, new()
    {
        ["global.json"] = GlobalJsonMtp,
        ["tests/Lib.Tests/Lib.Tests.csproj"] = TestProject("<OutputType>Exe</OutputType><EnableMSTestRunner>true</EnableMSTestRunner>", ("MSTest", "4.5.2")),
        ["tests/Lib.Tests/CalcTests.cs"] = Tests("using Microsoft.VisualStudio.TestTools.UnitTesting;", "[TestClass]", "[TestMethod]", "Assert.AreEqual({0}, {1});"),
    }));

    /// <summary>xUnit.net v2 on VSTest, in a repository whose only branch is <c>master</c>, with a classic .sln.</summary>
    public static RepositoryShape XunitV2OnVSTestWithMaster => new("xunit v2 on VSTest, master", "master", "vstest", "xunit", Solution(slnx: false, new()
    {
        ["tests/Lib.Tests/Lib.Tests.csproj"] = TestProject("", ("Microsoft.NET.Test.Sdk", "18.11.0"), ("xunit", "2.9.3"), ("xunit.runner.visualstudio", "3.1.5")),
        ["tests/Lib.Tests/CalcTests.cs"] = Tests("using Xunit;", "", "[Fact]", "Assert.Equal({0}, {1});"),
    }));

    /// <summary>NUnit 4 on VSTest.</summary>
    public static RepositoryShape NUnitOnVSTest => new("NUnit on VSTest", "main", "vstest", "nunit", Solution(slnx: false, new()
    {
        ["tests/Lib.Tests/Lib.Tests.csproj"] = TestProject("", ("Microsoft.NET.Test.Sdk", "18.11.0"), ("NUnit", "4.4.0"), ("NUnit3TestAdapter", "6.3.1")),
        ["tests/Lib.Tests/CalcTests.cs"] = Tests("using NUnit.Framework;", "[TestFixture]", "[Test]", "Assert.That({1}, Is.EqualTo({0}));"),
    }));

    /// <summary>
    /// A library built for netstandard2.0 and net10.0 with a warning in a file nobody edits: the build reports it once per
    /// framework, and it is one baseline finding.
    /// </summary>
    public static RepositoryShape MultiTargeted => new("multi-targeted library", "main", "vstest", "xunit", Solution(slnx: true, new()
    {
        ["src/Lib/Lib.csproj"] = "<Project Sdk=\"Microsoft.NET.Sdk\">\n  <PropertyGroup>\n    <TargetFrameworks>netstandard2.0;net10.0</TargetFrameworks>\n    <LangVersion>latest</LangVersion>\n  </PropertyGroup>\n</Project>\n",
        ["src/Lib/Legacy.cs"] = "namespace Lib\n{\n    public static class Legacy\n    {\n        public static int Zero()\n        {\n            int unused;\n            return 0;\n        }\n    }\n}\n",
        ["tests/Lib.Tests/Lib.Tests.csproj"] = TestProject("", ("Microsoft.NET.Test.Sdk", "18.11.0"), ("xunit", "2.9.3"), ("xunit.runner.visualstudio", "3.1.5")),
        ["tests/Lib.Tests/CalcTests.cs"] = Tests("using Xunit;", "", "[Fact]", "Assert.Equal({0}, {1});"),
    }))
    {
        BaselineFindings = 1,
        Untouched = ["src/Lib/Legacy.cs"],
    };

    /// <summary>
    /// An .editorconfig asking for CRLF over files written with LF, and an xUnit analyzer warning in a test file: what
    /// <c>dotnet format</c> on the whole tree would rewrite, and what the build reports before any workstream.
    /// </summary>
    public static RepositoryShape WarningsAndCrlf => new("analyzer warnings and CRLF", "main", "vstest", "xunit", Solution(slnx: true, new()
    {
        [".editorconfig"] = "root = true\n\n[*]\nend_of_line = crlf\ninsert_final_newline = true\n\n[*.cs]\nindent_style = space\nindent_size = 4\n",
        ["src/Lib/Format.cs"] = "namespace Lib\n{\n    public static class Format\n    {\n        public static string Of(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);\n    }\n}\n",
        ["tests/Lib.Tests/Lib.Tests.csproj"] = TestProject("", ("Microsoft.NET.Test.Sdk", "18.11.0"), ("xunit", "2.9.3"), ("xunit.runner.visualstudio", "3.1.5")),
        ["tests/Lib.Tests/CalcTests.cs"] = Tests("using Xunit;", "", "[Fact]", "Assert.Equal({0}, {1});",
            "    [Fact]\n    public void Collection_IsEmpty()\n    {\n        var items = new System.Collections.Generic.List<int>();\n        Assert.Equal(0, items.Count);\n    }\n"),
    }))
    {
        BaselineFindings = 1,
        Untouched = ["src/Lib/Format.cs"],
    };

    private static Dictionary<string, string> Solution(bool slnx, Dictionary<string, string> files)
    {
        files.TryAdd(".gitignore", "bin/\nobj/\n.orch/\nTestResults/\n");
        files.TryAdd("src/Lib/Lib.csproj", "<Project Sdk=\"Microsoft.NET.Sdk\">\n  <PropertyGroup>\n    <TargetFramework>net10.0</TargetFramework>\n  </PropertyGroup>\n</Project>\n");
        files.TryAdd("src/Lib/Calc.cs", Calc);
        if (slnx)
        {
            files["App.slnx"] = "<Solution>\n  <Folder Name=\"/src/\">\n    <Project Path=\"src/Lib/Lib.csproj\" />\n  </Folder>\n  <Folder Name=\"/tests/\">\n    <Project Path=\"tests/Lib.Tests/Lib.Tests.csproj\" />\n  </Folder>\n</Solution>\n";
        }
        else
        {
            const string lib = "{5B0C3A4E-1D55-4C53-9C55-5D3A4F2B1A01}", tests = "{5B0C3A4E-1D55-4C53-9C55-5D3A4F2B1A02}";
            var configurations = string.Concat(new[] { lib, tests }.SelectMany(id => new[] { "Debug", "Release" }.SelectMany(c => new[]
            {
                $"\t\t{id}.{c}|Any CPU.ActiveCfg = {c}|Any CPU\r\n", $"\t\t{id}.{c}|Any CPU.Build.0 = {c}|Any CPU\r\n",
            })));
            files["App.sln"] = "\r\nMicrosoft Visual Studio Solution File, Format Version 12.00\r\n# Visual Studio Version 17\r\n" +
                               $"Project(\"{{FAE04EC0-301F-11D3-BF4B-00C04F79EFBC}}\") = \"Lib\", \"src\\Lib\\Lib.csproj\", \"{lib}\"\r\nEndProject\r\n" +
                               $"Project(\"{{FAE04EC0-301F-11D3-BF4B-00C04F79EFBC}}\") = \"Lib.Tests\", \"tests\\Lib.Tests\\Lib.Tests.csproj\", \"{tests}\"\r\nEndProject\r\n" +
                               "Global\r\n\tGlobalSection(SolutionConfigurationPlatforms) = preSolution\r\n\t\tDebug|Any CPU = Debug|Any CPU\r\n\t\tRelease|Any CPU = Release|Any CPU\r\n\tEndGlobalSection\r\n" +
                               $"\tGlobalSection(ProjectConfigurationPlatforms) = postSolution\r\n{configurations}\tEndGlobalSection\r\nEndGlobal\r\n";
        }

        return files;
    }

    private static string TestProject(string properties, params (string Id, string Version)[] packages) =>
        "<Project Sdk=\"Microsoft.NET.Sdk\">\n  <PropertyGroup>\n    <TargetFramework>net10.0</TargetFramework>\n    " + properties + "\n  </PropertyGroup>\n  <ItemGroup>\n" +
        string.Concat(packages.Select(p => $"    <PackageReference Include=\"{p.Id}\" Version=\"{p.Version}\" />\n")) +
        "  </ItemGroup>\n  <ItemGroup>\n    <ProjectReference Include=\"../../src/Lib/Lib.csproj\" />\n  </ItemGroup>\n</Project>\n";

    /// <summary>Three tests of Calc.Add in a framework's words; <paramref name="assert"/> takes the expected value and the call.</summary>
    private static string Tests(string usings, string classAttribute, string testAttribute, string assert, string extra = "")
    {
        string Test(string name, string expected, string call) =>
            $"    {testAttribute}\n    public void {name}()\n    {{\n        {string.Format(System.Globalization.CultureInfo.InvariantCulture, assert, expected, call)}\n    }}\n";
        return $"{usings}\n\nnamespace Lib.Tests;\n\n{classAttribute}{(classAttribute.Length > 0 ? "\n" : "")}public class CalcTests\n{{\n" +
               string.Join("\n", Test("Add_Works", "5", "Calc.Add(2, 3)"), Test("Add_WithNegative_Works", "0", "Calc.Add(-1, 1)"), Test("Add_Zero_IsIdentity", "7", "Calc.Add(7, 0)")) +
               (extra.Length > 0 ? "\n" + extra : "") + "}\n";
    }
}
