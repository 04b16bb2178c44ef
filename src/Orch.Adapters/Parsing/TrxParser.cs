using System.Xml.Linq;
using System.Xml;
using Orch.Abstractions.Diagnostics;

namespace Orch.Adapters.Parsing;

/// <summary>The one TRX reader (VSTest and Microsoft.Testing.Platform both write TRX): failed tests as findings, every outcome for the gates.</summary>
public static class TrxParser
{
    private static readonly XNamespace Ns = "http://microsoft.com/schemas/VisualStudio/TeamTest/2010";

    /// <summary>
    /// Every test's outcome, lower-case (<c>passed</c>, <c>failed</c>, <c>notexecuted</c>, ...). A test run twice with two
    /// outcomes (a retry) keeps both, so a flaky-test gate can see it.
    /// </summary>
    public static IReadOnlyList<(string Test, string Outcome)> Outcomes(string trxFile) => XDocument.Load(trxFile).Descendants(Ns + "UnitTestResult")
        .Select(r => (Test: (string?)r.Attribute("testName") ?? "", Outcome: ((string?)r.Attribute("outcome") ?? "").ToLowerInvariant()))
        .Where(o => o.Test.Length > 0)
        .GroupBy(o => o.Test)
        .SelectMany(g => g.DistinctBy(o => o.Outcome))
        .ToList();

    /// <summary>
    /// One finding per failed test: the test name as code, the first lines of its message, the test's own frame as the
    /// place, and the innermost frame in the repository as the cause when it is elsewhere.
    /// </summary>
    public static IReadOnlyList<Finding> FailedTests(string trxFile, string tool, string? repositoryRoot)
    {
        XDocument document;
        try
        {
            document = XDocument.Load(trxFile);
        }
        catch (XmlException ex)
        {
            return [new Finding(trxFile, null, null, "TRX", $"unreadable test results: {ex.Message}", FindingSeverity.Error, tool)];
        }

        var findings = new List<Finding>();
        foreach (var result in document.Descendants(Ns + "UnitTestResult").Where(r => (string?)r.Attribute("outcome") == "Failed"))
        {
            var name = (string?)result.Attribute("testName") ?? "unknown test";
            var error = result.Element(Ns + "Output")?.Element(Ns + "ErrorInfo");
            var message = (error?.Element(Ns + "Message")?.Value ?? "the test failed").Trim();
            // MSTest puts "Expected:<3>. Actual:<6>." on the lines after the first; a fixer needs them.
            var firstLine = string.Join(' ', message.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).Take(3));
            var (file, line, cause) = StackFrames.TestAndCause(error?.Element(Ns + "StackTrace")?.Value, repositoryRoot);
            findings.Add(new Finding(file, line, null, name, cause is null ? firstLine : $"{firstLine} (raised at {cause})", FindingSeverity.Error, tool));
        }

        return findings;
    }

}
