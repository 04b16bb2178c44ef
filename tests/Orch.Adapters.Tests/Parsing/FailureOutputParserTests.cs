using Orch.Adapters.Parsing;

namespace Orch.Adapters.Tests.Parsing;

/// <summary>Checks read by their exit code only still tell FIX which test failed, and where.</summary>
[TestClass]
public sealed class FailureOutputParserTests
{
    [TestMethod]
    public void Parse_TapFromNodeTest_NamesEachFailingTestAtItsLocation()
    {
        const string output = """
            TAP version 13
            # Subtest: adds numbers
            ok 1 - adds numbers
            # Subtest: divides by zero
            not ok 2 - divides by zero
              ---
              duration_ms: 0.9
              location: '/repo/test/math.test.js:14:3'
              failureType: 'testCodeFailure'
              error: 'Expected values to be strictly equal'
              ...
            1..2
            """;

        var findings = FailureOutputParser.Parse(output, "npm", "/repo");

        var failed = findings.Single();
        Assert.AreEqual(("test/math.test.js", 14, "not ok: divides by zero"), (failed.File, failed.Line, failed.Message));
    }

    [TestMethod]
    public void Parse_NodeSpecReporter_NamesTheFailingTestButNotTheSummaryHeader()
    {
        const string output = """
            ▶ parser
              ✔ reads a number (0.5ms)
              ✖ reads a negative number (1.2ms)
                AssertionError [ERR_ASSERTION]: Expected values to be strictly equal:
                    at TestContext.<anonymous> (file:///repo/test/parser.test.mjs:9:12)
            ✖ failing tests:
            """;

        var findings = FailureOutputParser.Parse(output, "node", "/repo");

        var failed = findings.Single();
        Assert.AreEqual(("test/parser.test.mjs", 9, "failed: reads a negative number"), (failed.File, failed.Line, failed.Message));
    }

    [TestMethod]
    public void Parse_Jest_NamesSuiteAndTestAtTheRepositoryFrame()
    {
        const string output = """
            FAIL src/cart.test.ts
              ● Cart › totals with discount

                expect(received).toBe(expected) // Object.is equality

                  at Object.<anonymous> (node_modules/expect/build/index.js:1:1)
                  at Object.<anonymous> (src/cart.test.ts:27:18)
            """;

        var failed = FailureOutputParser.Parse(output, "npm", "/repo").Single();

        Assert.AreEqual(("src/cart.test.ts", 27, "failed: Cart › totals with discount"), (failed.File, failed.Line, failed.Message));
    }

    [TestMethod]
    public void Parse_PytestShortSummary_NamesFileAndTest()
    {
        const string output = "=========== short test summary info ===========\nFAILED tests/test_calc.py::test_avg - assert 6 == 3\n1 failed, 3 passed in 0.12s\n";

        var failed = FailureOutputParser.Parse(output, "pytest", "/repo").Single();

        Assert.AreEqual(("tests/test_calc.py", "failed: test_avg - assert 6 == 3"), (failed.File, failed.Message));
    }

    [TestMethod]
    public void Parse_OutputWithNoKnownFormat_GivesNothingAndTailKeepsTheEndBounded()
    {
        var output = string.Join('\n', Enumerable.Range(1, 500).Select(i => $"line {i}")) + "\n\u001b[31mboom: config missing\u001b[0m\n";

        Assert.IsEmpty(FailureOutputParser.Parse(output, "script", "/repo"));
        var tail = FailureOutputParser.Tail(output);
        Assert.IsTrue(tail.EndsWith("boom: config missing", StringComparison.Ordinal), tail);
        Assert.IsLessThanOrEqualTo(3001, tail.Length);
        Assert.IsFalse(tail.Contains("line 1\n", StringComparison.Ordinal), "only the end is kept");
    }
}
