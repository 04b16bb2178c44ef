using Microsoft.Data.Sqlite;
using Orch.Cli.Tests.Support;
using Orch.Testing;

namespace Orch.Cli.Tests.Workflow;

[TestClass]
[TestCategory(Categories.Process)]
public sealed class TestCommandTests
{
    [TestMethod]
    public async Task Test_UnderMicrosoftTestingPlatform_RecordsTheResults()
    {
        // dotnet test never runs the VSTest target in this mode, so `dotnet orch test` is the RUNTIME path here.
        using var repo = new TestRepository(new Dictionary<string, string>
        {
            [".gitignore"] = "bin/\nobj/\n.orch/\n",
            ["global.json"] = "{ \"test\": { \"runner\": \"Microsoft.Testing.Platform\" } }\n",
            ["Mtp.Tests.csproj"] = "<Project Sdk=\"Microsoft.NET.Sdk\">\n  <PropertyGroup>\n    <TargetFramework>net10.0</TargetFramework>\n    <OutputType>Exe</OutputType>\n    <EnableMSTestRunner>true</EnableMSTestRunner>\n    <IsTestProject>true</IsTestProject>\n  </PropertyGroup>\n  <ItemGroup><PackageReference Include=\"MSTest\" Version=\"4.5.2\" /></ItemGroup>\n</Project>\n",
            ["T.cs"] = "using Microsoft.VisualStudio.TestTools.UnitTesting;\n[assembly: Parallelize(Scope = ExecutionScope.MethodLevel)]\nnamespace M;\n[TestClass]\npublic sealed class T\n{\n    [TestMethod] public void Works() => Assert.AreEqual(\"ab\", string.Concat(\"a\", \"b\"));\n    [TestMethod] public void AlsoWorks() => Assert.AreEqual(3, int.Parse(\"3\"));\n}\n",
        });

        var (exit, output, err) = await OrchRunner.RunAsync(repo.Path, repo.Combine(".orch", "state.db"), "test", "Mtp.Tests.csproj");

        Assert.AreEqual(0, exit, output + err);
        StringAssert.Contains(output, "2 test(s): 2 passed, 0 failed, 0 skipped");
        using var db = new SqliteConnection($"Data Source={repo.Combine(".orch", "state.db")};Pooling=False");
        db.Open();
        using var cmd = db.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*) FROM test_results WHERE outcome = 'passed';";
        Assert.AreEqual(2L, (long)cmd.ExecuteScalar()!);
    }
}
