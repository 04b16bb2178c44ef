using Orch.Core.Execution;
using Orch.Core.Storage;
using Orch.Testing;

namespace Orch.Core.Tests.Execution;

[TestClass]
public sealed class ExitLedgerTests
{
    [TestMethod]
    public void Read_OfALedgerWithStartsAndExits_GivesEachKeysProcessAndLastExit_AndSkipsWhatItCannotRead()
    {
        using var dir = new TempDirectory();
        var ledger = dir.Combine("w.exits");
        File.WriteAllText(ledger, string.Concat(
            $"{ExitLedger.SupervisorMark}4100 77\n",
            ExitLedger.StartedLine("job-a.0", new ProcessIdentity(4101, 88)),
            "job-a.0 0\n",
            ExitLedger.StartedLine("job-b.0", new ProcessIdentity(4102, 89)),
            "job-b.0 137\n",
            ExitLedger.StartedLine("job-b.1", new ProcessIdentity(4103, 90)),
            "job-c.0 started 12\n",
            "job-c.0 -1\n",
            "half a line\n",
            "job-d.0 started x y\n"));

        var contents = ExitLedger.Read(ledger);

        Assert.AreEqual(new ProcessIdentity(4100, 77), contents.Supervisor);
        Assert.AreEqual(new ProcessIdentity(4103, 90), contents.Starts["job-b.1"], "a requeued job's second start has a key of its own");
        Assert.AreEqual(new ProcessIdentity(4101, 88), contents.Starts["job-a.0"]);
        Assert.IsFalse(contents.Starts.ContainsKey("job-c.0"), "a start line without both numbers names no process");
        Assert.IsFalse(contents.Starts.ContainsKey("job-d.0"));
        CollectionAssert.AreEquivalent(new[] { "job-a.0", "job-b.0", "job-c.0" }, contents.Exits.Keys.ToArray(), "a start is not an exit");
        Assert.AreEqual(137, contents.Exits["job-b.0"]);
        Assert.AreEqual(-1, ExitLedger.Find(ledger, "job-c.0"));
        Assert.IsNull(ExitLedger.Find(ledger, "job-b.1"), "started, not ended");
        Assert.AreEqual(new ProcessIdentity(4100, 77), ExitLedger.SupervisorOf(ledger));
    }

    [TestMethod]
    public void Read_OfNoLedger_IsEmpty()
    {
        using var dir = new TempDirectory();

        var contents = ExitLedger.Read(dir.Combine("missing.exits"));

        Assert.IsNull(contents.Supervisor);
        Assert.IsEmpty(contents.Starts);
        Assert.IsEmpty(contents.Exits);
    }
}
