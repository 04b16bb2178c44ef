using System.Diagnostics;
using System.Globalization;
using Orch.Cli.Tests.Support;
using Orch.Core.Jobs;
using Orch.Core.Storage;
using Orch.Core.Storage.Sqlite;
using Orch.Testing;

namespace Orch.Cli.Tests.Commands;

[TestClass]
[TestCategory(Categories.Process)]
public sealed class CancellationTests
{
    [TestMethod]
    public async Task JobRun_OnCtrlC_KillsTheJobTreeRecordsCancelledAndExits130()
    {
        using var repo = new TempDirectory();
        repo.Write("job.yaml", "id: long\ncommand: \"sleep 600 & echo $! > child.pid; sleep 600\"\n");
        using var orch = OrchRunner.Start(repo, "job", "run", "job.yaml");
        var stdout = orch.StandardOutput.ReadToEndAsync();
        var stderr = orch.StandardError.ReadToEndAsync();

        var clock = Stopwatch.StartNew();
        while (!File.Exists(repo.Combine("child.pid")) && clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(50);
        }

        await Task.Delay(200);
        using (var interrupt = Process.Start("kill", ["-INT", orch.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await interrupt.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await orch.WaitForExitAsync(timeout.Token);

        Assert.AreEqual(130, orch.ExitCode, await stderr + await stdout);
        var child = int.Parse(File.ReadAllText(repo.Combine("child.pid")).Trim(), CultureInfo.InvariantCulture);
        Assert.IsTrue(ProcessState.GoneWithin(child), "Ctrl-C must kill the job's children too");
        await using var store = await SqliteStateStore.OpenAsync(repo.Combine(".orch", "state.db"), TimeProvider.System, CancellationToken.None);
        var job = (await store.ListJobsAsync(new JobQuery(), CancellationToken.None)).Single();
        Assert.AreEqual(JobStatus.Cancelled, job.Status);
        Assert.AreEqual(RunStatus.Cancelled, (await store.GetRunAsync(job.RunId!, CancellationToken.None))!.Status);
    }
}
