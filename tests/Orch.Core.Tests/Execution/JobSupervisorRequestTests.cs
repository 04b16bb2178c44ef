using System.Text;
using Orch.Core.Execution;

namespace Orch.Core.Tests.Execution;

[TestClass]
public sealed class JobSupervisorRequestTests
{
    [TestMethod]
    public void Request_ReadBackFromItsBytes_KeepsEveryArgumentAndVariableAsTheWorkerWroteThem()
    {
        var sent = new JobSupervisor.Request(7, "/repo/.orch/exits/w.exits", "job-1.0", "/repo/sub dir", 11, 12, 13, 14,
            ["/bin/sh", "-c", "echo 'a b'\nexit 3", ""], ["EMPTY=", "MULTI=line one\nline two", "UNICODE=ünï ✓", "EQUALS=a=b"]);
        using var stream = new MemoryStream([.. sent.Encode(), .. (sent with { Id = 8, Input = -1, Reply = -1, Argv = ["/bin/true"], Environment = [] }).Encode()]);

        var first = JobSupervisor.Request.Read(stream)!;
        var second = JobSupervisor.Request.Read(stream)!;

        Assert.AreEqual(sent.Id, first.Id);
        Assert.AreEqual(sent.Ledger, first.Ledger);
        Assert.AreEqual(sent.Key, first.Key);
        Assert.AreEqual(sent.Directory, first.Directory);
        Assert.AreEqual((11, 12, 13, 14), (first.Input, first.Output, first.Error, first.Reply));
        CollectionAssert.AreEqual(sent.Argv.ToArray(), first.Argv.ToArray(), "an empty argument and a newline inside one survive");
        CollectionAssert.AreEqual(sent.Environment.ToArray(), first.Environment.ToArray());
        Assert.AreEqual(8, second.Id);
        Assert.AreEqual(-1, second.Input, "no input: the job reads /dev/null");
        Assert.AreEqual(-1, second.Reply, "no pipe of its own: the answers go to the supervisor's standard output");
        Assert.IsEmpty(second.Environment);
        Assert.IsNull(JobSupervisor.Request.Read(stream), "the end of the input is the end of the requests");
    }

    [TestMethod]
    public void Request_CutShortOrMalformed_IsRefusedNotGuessed()
    {
        var whole = new JobSupervisor.Request(1, "/l", "k", "/", 3, 4, 5, 6, ["/bin/true"], ["A=1"]).Encode();

        Assert.ThrowsExactly<FormatException>(() => JobSupervisor.Request.Read(new MemoryStream(whole[..^3])));
        Assert.ThrowsExactly<FormatException>(() => JobSupervisor.Request.Read(new MemoryStream(Encoding.UTF8.GetBytes("99999999999999999999\0/l\0"))));
        Assert.ThrowsExactly<FormatException>(() => JobSupervisor.Request.Read(new MemoryStream(Encoding.UTF8.GetBytes("1\0/l\0k\0/\0three\0"))));
        Assert.ThrowsExactly<FormatException>(() => JobSupervisor.Request.Read(new MemoryStream(Encoding.UTF8.GetBytes("1\0/l\0k\0/\0-2\0"))), "-1 is the only descriptor below 0");
        Assert.ThrowsExactly<FormatException>(() => JobSupervisor.Request.Read(new MemoryStream(Encoding.UTF8.GetBytes("1\0/l\0k\0/\0003\0004\0005\0-1\0000\0000\0"))));
    }
}
