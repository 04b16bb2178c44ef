using Orch.Abstractions.Diagnostics;
using Orch.Adapters.Parsing;
using Orch.Testing;

namespace Orch.Adapters.Tests.Parsing;

/// <summary>Failed tests, totals and stack frames as test runners print them, and diagnostics of multi-targeted builds.</summary>
[TestClass]
public sealed class TestOutputParserTests
{
    private const string Root = "/repo";

    [TestMethod]
    public void FailedTests_FromTestingPlatformOutput_NameTheTestItsFileAndTheCause()
    {
        const string output = """
            Running tests from /repo/tests/T/bin/Debug/net10.0/T.dll (net10.0|x64)
            failed Lib.Tests.CalcTests.Add_Works (25ms)
              from /repo/tests/T/bin/Debug/net10.0/T.dll (net10.0|x64)
              System.IndexOutOfRangeException: Index was outside the bounds of the array.
                at Lib.Calc.Sum(Int32[] values, Int32 count) in /repo/src/Lib/Calc.cs:12
                at Lib.Tests.CalcTests.Add_Works() in /repo/tests/T/CalcTests.cs:9
                at System.Reflection.MethodBaseInvoker.InvokeWithNoArgs(Object obj, BindingFlags invokeAttr)
            passed Lib.Tests.CalcTests.Other (1ms)
            Test run summary: Failed!
              total: 2
              failed: 1
              succeeded: 1
              skipped: 0
            """;

        var findings = TestConsoleParser.FailedTests(output, "dotnet", Root);

        Assert.HasCount(1, findings);
        Assert.AreEqual(new Finding("tests/T/CalcTests.cs", 9, null, "Lib.Tests.CalcTests.Add_Works",
            "System.IndexOutOfRangeException: Index was outside the bounds of the array. (raised at src/Lib/Calc.cs:12)", FindingSeverity.Error, "dotnet"), findings[0]);
        Assert.AreEqual((2, 1, 1, 0), TestConsoleParser.Totals(output));
    }

    [TestMethod]
    public void FailedTests_FromVSTestOutput_ReadTheMessageAndTheTestFrame()
    {
        const string output = """
              Failed Lib.Tests.CalcTests.Add_Works [6 ms]
              Error Message:
               Assert.Equal() Failure: Values differ
            Expected: 3
            Actual:   -1
              Stack Trace:
                 at Lib.Tests.CalcTests.Add_Works() in /repo/tests/T/CalcTests.cs:line 5

            Failed!  - Failed:     1, Passed:     1, Skipped:     0, Total:     2, Duration: 34 ms - T.dll (net10.0)
            Passed!  - Failed:     0, Passed:     3, Skipped:     1, Total:     4, Duration: 34 ms - U.dll (net10.0)
            """;

        var findings = TestConsoleParser.FailedTests(output, "dotnet", Root);

        Assert.HasCount(1, findings);
        Assert.AreEqual("tests/T/CalcTests.cs", findings[0].File);
        Assert.AreEqual(5, findings[0].Line);
        Assert.AreEqual("Assert.Equal() Failure: Values differ Expected: 3 Actual:   -1", findings[0].Message, "no cause: the test's own frame is the only one");
        Assert.AreEqual((6, 4, 1, 1), TestConsoleParser.Totals(output), "one summary per test assembly, added up");
    }

    [TestMethod]
    public void Totals_WhenNothingRan_AreUnknown() => Assert.IsNull(TestConsoleParser.Totals("error: Unknown option '--report-trx'"));

    [TestMethod]
    public void StackFrames_InEveryRunnersShape_KeepOnlyTheRepositorysFramesInnermostFirst()
    {
        const string trace = """
               at Lib.Calc.Sum() in /repo/src/Lib/Calc.cs:line 12
               at Vendor.Helper.Call() in /elsewhere/Helper.cs:line 3
            tests/T/CalcTests.cs(9,0): at Lib.Tests.CalcTests.Add_Works()
               at Lib.Tests.Runner.Go() in /repo/tests/T/Runner.cs:40
            """;

        var frames = StackFrames.InRepository(trace, Root);

        CollectionAssert.AreEqual(new[] { ("src/Lib/Calc.cs", 12), ("tests/T/CalcTests.cs", 9), ("tests/T/Runner.cs", 40) }, frames.ToArray());
        Assert.AreEqual(("tests/T/Runner.cs", (int?)40, "src/Lib/Calc.cs:12"), StackFrames.TestAndCause(trace, Root));
    }

    [TestMethod]
    public void Trx_FailedTestWithAFrameInTheSource_NamesTheTestAndTheCause()
    {
        using var dir = new TempDirectory();
        var trx = dir.Write("r.trx", """
            <?xml version="1.0" encoding="utf-8"?>
            <TestRun xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010"><Results>
              <UnitTestResult testName="Lib.Tests.CalcTests.Add_Works" outcome="Failed"><Output><ErrorInfo>
                <Message>System.IndexOutOfRangeException : Index was outside the bounds of the array.</Message>
                <StackTrace>   at Lib.Calc.Sum(Int32[] values, Int32 count) in /repo/src/Lib/Calc.cs:line 12
               at Lib.Tests.CalcTests.Add_Works() in /repo/tests/T/CalcTests.cs:line 9</StackTrace>
              </ErrorInfo></Output></UnitTestResult>
            </Results></TestRun>
            """);

        var finding = TrxParser.FailedTests(trx, "dotnet", Root).Single();

        Assert.AreEqual(("tests/T/CalcTests.cs", (int?)9), (finding.File, finding.Line));
        StringAssert.EndsWith(finding.Message, "(raised at src/Lib/Calc.cs:12)");
    }

    [TestMethod]
    public void Canonical_SameDiagnosticForEachTargetFramework_IsOneFindingListingThem()
    {
        const string output = """
            /repo/src/Lib/Legacy.cs(7,17): warning CS0168: The variable 'unused' is declared but never used [/repo/src/Lib/Lib.csproj::TargetFramework=netstandard2.0]
            /repo/src/Lib/Legacy.cs(7,17): warning CS0168: The variable 'unused' is declared but never used [/repo/src/Lib/Lib.csproj::TargetFramework=net10.0]
            /repo/src/Lib/Only.cs(3,1): error CS0246: The type 'Span<>' could not be found [/repo/src/Lib/Lib.csproj::TargetFramework=netstandard2.0]
            /repo/src/Lib/Legacy.cs(7,17): warning CS0168: The variable 'unused' is declared but never used [/repo/src/Lib/Lib.csproj::TargetFramework=net10.0]
            """;

        var findings = CanonicalFindingParser.Parse(output, "dotnet", Root);

        Assert.HasCount(2, findings);
        Assert.AreEqual("The variable 'unused' is declared but never used (net10.0, netstandard2.0)", findings[0].Message);
        Assert.AreEqual("The type 'Span<>' could not be found", findings[1].Message, "a diagnostic of one framework is left as it is");
    }
}
