using System.Globalization;
using System.Xml.Linq;
using System.Xml;
using Orch.Abstractions.Diagnostics;

namespace Orch.Adapters.Parsing;

/// <summary>Reads failing and erroring test cases from JUnit XML (pytest's <c>--junitxml</c>, and most other runners).</summary>
public static class JUnitParser
{
    public static IReadOnlyList<Finding> FailedTests(string file, string tool)
    {
        XDocument document;
        try
        {
            document = XDocument.Load(file);
        }
        catch (XmlException ex)
        {
            return [new Finding(file, null, null, "JUNIT", $"unreadable test results: {ex.Message}", FindingSeverity.Error, tool)];
        }

        var findings = new List<Finding>();
        foreach (var testCase in document.Descendants("testcase"))
        {
            var problem = testCase.Element("failure") ?? testCase.Element("error");
            if (problem is null)
            {
                continue;
            }

            var name = $"{(string?)testCase.Attribute("classname")}::{(string?)testCase.Attribute("name")}".Trim(':');
            var message = ((string?)problem.Attribute("message") ?? problem.Value).Split('\n')[0].Trim();
            int? line = int.TryParse((string?)testCase.Attribute("line"), NumberStyles.None, CultureInfo.InvariantCulture, out var l) ? l : null;
            findings.Add(new Finding((string?)testCase.Attribute("file"), line, null, name, message.Length == 0 ? "the test failed" : message,
                FindingSeverity.Error, tool));
        }

        return findings;
    }
}
