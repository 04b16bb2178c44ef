using Orch.Abstractions.Adapters;
using Orch.Core.Execution;
using Orch.Core.Secrets;
using Orch.Testing;

namespace Orch.Core.Tests.Execution;

/// <summary>
/// A worker slot's channel to the supervisor, driven from the slot's thread, against stand-ins that answer on the job's
/// own answer pipe (the real supervisor is tested through the worker, in the CLI and reliability suites).
/// </summary>
[TestClass]
[TestCategory(Categories.Process)]
public sealed class SupervisorChannelTests
{
    // Takes the first request's eleven fields (one argument, no variables) and runs `then` with the request's id as $id
    // and its answer pipe open as descriptor 3.
    private static JobSupervisorClient Fake(string then) =>
        new(["/bin/bash", "-c",
            $"for i in $(seq 11); do IFS= read -r -d '' f; a+=(\"$f\"); done; id=${{a[0]}}; exec 3>/proc/$PPID/fd/${{a[7]}}; {then}", "fake"]);

    private static async Task<ProcessOutcome> RunOnSlotAsync(TempDirectory dir, JobSupervisorClient supervisor)
    {
        var ledger = dir.Combine("exits", "w.exits");
        Directory.CreateDirectory(Path.GetDirectoryName(ledger)!);
        var runner = new ProcessRunner(dir.Combine("job.log"), SecretRedactor.None, TimeProvider.System, exitRecord: new ExitRecord(ledger, "job-a.0"))
        {
            Supervisor = supervisor,
        };
        var request = new ProcessRequest { Argv = ["true"], WorkingDirectory = dir.Path, Environment = new Dictionary<string, string>(), Timeout = TimeSpan.FromSeconds(30) };
        // On a thread of its own, as a slot runs: the channel is the thread's.
        return await Task.Factory.StartNew(() =>
        {
            using var channel = supervisor.NewChannel();
            SupervisorChannel.Current = channel;
            try
            {
                return runner.RunAsync(request, CancellationToken.None).AsTask().GetAwaiter().GetResult();
            }
            finally
            {
                SupervisorChannel.Current = null;
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).WaitAsync(TimeSpan.FromSeconds(20));
    }

    [TestMethod]
    public async Task Run_WhenTheJobsStartAndExitArriveInOneRead_TakesTheExitWithoutWaitingForMore()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Inconclusive("the job supervisor is Linux-only");
        }

        using var dir = new TempDirectory();
        // Its own pid stands for the job's; the pipe closes after the exit, as the supervisor's does.
        await using var supervisor = Fake("printf 'S %s %s 0 1\\nE %s 7\\n' $id $$ $id >&3; exec 3>&-; sleep 1");

        var outcome = await RunOnSlotAsync(dir, supervisor);

        Assert.AreEqual(7, outcome.ExitCode, "the exit that came with the start is the job's");
    }

    [TestMethod]
    public async Task Run_WhenTheSupervisorRefusesTheJob_FailsItWithTheSupervisorsReason()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Inconclusive("the job supervisor is Linux-only");
        }

        using var dir = new TempDirectory();
        await using var supervisor = Fake("printf 'X %s no such file\\n' $id >&3; exec 3>&-; sleep 1");

        var outcome = await RunOnSlotAsync(dir, supervisor);

        Assert.IsNull(outcome.ExitCode);
        StringAssert.Contains(outcome.StartError, "could not start 'true': no such file");
    }

    [TestMethod]
    public async Task Run_WhenTheSupervisorEndsWhileTheJobRuns_FailsSayingWhy_AndLaterJobsGoTheOtherWay()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Inconclusive("the job supervisor is Linux-only");
        }

        using var dir = new TempDirectory();
        // It answers the start of a job (its own pid stands for the job's), says why it gives up, and ends.
        await using var supervisor = Fake("printf 'S %s %s 0 1\\n' $id $$ >&3; echo 'gave up' >&2; sleep 0.3");

        var failure = await Assert.ThrowsExactlyAsync<InvalidOperationException>(() => RunOnSlotAsync(dir, supervisor));

        StringAssert.Contains(failure.Message, "job supervisor");
        StringAssert.Contains(failure.Message, "gave up", "with what it said last");
        Assert.IsFalse(supervisor.NewChannel().Usable, "the slot's next jobs start the other way");
    }
}
