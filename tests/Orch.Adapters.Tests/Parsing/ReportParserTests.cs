using Orch.Abstractions.Diagnostics;
using Orch.Adapters.Parsing;
using Orch.Testing;

namespace Orch.Adapters.Tests.Parsing;

[TestClass]
public sealed class ReportParserTests
{
    [TestMethod]
    public void JUnit_FailuresAndErrors_BecomeFindings()
    {
        using var dir = new TempDirectory();
        var file = dir.Write("junit.xml", """
            <?xml version="1.0" encoding="utf-8"?>
            <testsuites><testsuite name="pytest" tests="3" failures="1" errors="1">
              <testcase classname="tests.test_calc" name="test_add" file="tests/test_calc.py" line="4" time="0.001"/>
              <testcase classname="tests.test_calc" name="test_avg" file="tests/test_calc.py" line="9"><failure message="assert 6 == 3">trace</failure></testcase>
              <testcase classname="tests.test_io" name="test_read"><error message="FileNotFoundError: data.csv">trace</error></testcase>
            </testsuite></testsuites>
            """);

        var findings = JUnitParser.FailedTests(file, "pytest");

        Assert.HasCount(2, findings);
        Assert.AreEqual(new Finding("tests/test_calc.py", 9, null, "tests.test_calc::test_avg", "assert 6 == 3", FindingSeverity.Error, "pytest"), findings[0]);
        Assert.AreEqual("FileNotFoundError: data.csv", findings[1].Message);
    }

    [TestMethod]
    public void Ruff_JsonReport_BecomesFindingsRelativeToTheRoot()
    {
        const string json = """[{"cell":null,"code":"F401","end_location":{"column":10,"row":1},"filename":"/repo/src/app.py","fix":null,"location":{"column":8,"row":1},"message":"`os` imported but unused","noqa_row":1,"url":"https://docs.astral.sh/ruff/rules/unused-import"}]""";

        var finding = LinterJsonParser.Ruff(json, "/repo").Single();

        Assert.AreEqual(new Finding("src/app.py", 1, 8, "F401", "`os` imported but unused", FindingSeverity.Error, "ruff"), finding);
    }

    [TestMethod]
    public void Eslint_JsonReport_KeepsWarningsAndErrorsApart()
    {
        const string json = """[{"filePath":"/repo/web/app.js","messages":[{"ruleId":"no-unused-vars","severity":2,"message":"'x' is defined but never used.","line":3,"column":7},{"ruleId":"semi","severity":1,"message":"Missing semicolon.","line":4,"column":12}],"errorCount":1,"warningCount":1}]""";

        var findings = LinterJsonParser.Eslint(json, "/repo");

        Assert.AreEqual(FindingSeverity.Error, findings[0].Severity);
        Assert.AreEqual(FindingSeverity.Warning, findings[1].Severity);
        Assert.AreEqual("web/app.js", findings[1].File);
        Assert.AreEqual("semi", findings[1].Code);
    }

    [TestMethod]
    public void Canonical_DotnetFormatWhitespaceLine_BecomesAFindingWithItsWordCode()
    {
        const string line = "/repo/Greeter.cs(5,39): error WHITESPACE: Fix whitespace formatting. Delete 2 characters. [/repo/App.csproj]";

        var finding = CanonicalFindingParser.Parse(line, "dotnet", "/repo").Single();

        Assert.AreEqual(new Finding("Greeter.cs", 5, 39, "WHITESPACE", "Fix whitespace formatting. Delete 2 characters.", FindingSeverity.Error, "dotnet"), finding);
    }

    [TestMethod]
    public void Canonical_MsBuildAndGnuLines_BecomeFindings()
    {
        const string output = """
            /repo/src/Calc/Calculator.cs(9,13): warning CS0168: The variable 'unused' is declared but never used [/repo/src/Calc/Calc.csproj]
            src/main.c:12:5: error: expected ';' before 'return'
            Build succeeded.
            """;

        var findings = CanonicalFindingParser.Parse(output, "dotnet", "/repo");

        Assert.AreEqual(new Finding("src/Calc/Calculator.cs", 9, 13, "CS0168", "The variable 'unused' is declared but never used", FindingSeverity.Warning, "dotnet"), findings[0]);
        Assert.AreEqual(new Finding("src/main.c", 12, 5, null, "expected ';' before 'return'", FindingSeverity.Error, "dotnet"), findings[1]);
        Assert.HasCount(2, findings);
    }
}
