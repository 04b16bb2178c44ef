using System.Globalization;
using Orch.Core.Storage.Sql;

namespace Orch.Core.Tests.State;

[TestClass]
public sealed class StoredTimeTests
{
    [TestMethod]
    [DataRow("2026-11-26T13:46:35.1234567Z")]
    [DataRow("0001-01-01T00:00:00.0000000Z")]
    [DataRow("2026-11-26T13:46:35Z")]
    [DataRow("2026-11-26T15:46:35.5+02:00")]
    [DataRow("2026-11-26 13:46:35")]
    public void ParseTime_ReadsWhatTheGeneralParserReads_TheStoredFormByItsFastPath(string text)
    {
        var general = DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

        var parsed = SqlStateStore.ParseTime(text);

        Assert.AreEqual(general, parsed);
        Assert.AreEqual(TimeSpan.Zero, parsed.Offset, "times are read as UTC");
    }
}
