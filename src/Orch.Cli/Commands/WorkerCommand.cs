using System.CommandLine;
using Orch.Cli.Hosting;
using Orch.Cli.Rendering;
using Orch.Core.Queue;
using Orch.Core.Jobs;
using Orch.Core.Serialization;

namespace Orch.Cli.Commands;

/// <summary><c>dotnet orch worker</c>: works through the queue; several workers may share one database.</summary>
internal static class WorkerCommand
{
    public static Command Create(GlobalOptions options, TextWriter stdout, TextWriter stderr)
    {
        var parallel = OptionValues.WholeNumber("--parallel", "Jobs to run at once.", 1, 1, 256, "-p");
        var drain = new Option<bool>("--drain") { Description = "Exit once the queue is empty instead of waiting for more jobs." };
        var lease = OptionValues.WholeNumber("--lease",
            "Seconds a claimed job is this worker's without a heartbeat (renewed every third of it while the job runs); another worker takes it after that.", 30, 3, 3600);
        var command = new Command("worker", "Run queued jobs; jobs left running by a crashed worker are recovered first.") { parallel, drain, lease };
        command.WithAction(options, stdout, stderr, async (context, parse, ct) =>
        {
            await using var engine = context.BuildEngine(Verbosity.Detailed);
            var result = await engine.Jobs.WorkAsync(
                new WorkerOptions
                {
                    Parallel = parse.GetValue(parallel), Drain = parse.GetValue(drain), Lease = TimeSpan.FromSeconds(parse.GetValue(lease)), OrchCommand = SelfCommand.Get(),
                },
                id => context.Say($"worker {id}: {parse.GetValue(parallel)} slot(s){(parse.GetValue(drain) ? ", draining" : "")}", Verbosity.Detailed), ct,
                notice => context.Error.WriteLine($"warning: {notice}"));
            if (result.WorkerId is not { } workerId)
            {
                DiagnosticsPrinter.Print(context, result.Diagnostics);
                return ExitCodes.InvalidInput;
            }

            // A job whose lease this worker lost is another worker's: its result is theirs to report.
            var lost = result.Outcomes.Count(o => o.Lost);
            var outcomes = result.Outcomes.Where(o => !o.Lost).ToList();
            var byStatus = outcomes.GroupBy(o => o.Status).ToDictionary(g => OrchJson.EnumText(g.Key), g => g.Count());
            // Which jobs did not succeed, and why: a count alone sends people digging through the database.
            var failures = outcomes.Where(o => o.Status != JobStatus.Succeeded).ToList();
            if (context.Json)
            {
                JsonOutput.WriteLine(context.Out, new
                {
                    type = "summary", schema_version = JsonOutput.SchemaVersion, worker = workerId, jobs = outcomes.Count, by_status = byStatus, lost,
                    failures = failures.Select(f => new { job_id = f.JobId, name = f.Name, status = OrchJson.EnumText(f.Status), error = f.Error, log_file = f.LogFile }),
                });
            }
            else
            {
                context.Say($"worker ran {outcomes.Count} job(s): {(byStatus.Count == 0 ? "none" : string.Join(", ", byStatus.Select(kv => $"{kv.Value} {kv.Key}")))}" +
                            (lost > 0 ? $"; lost the lease of {lost} (another worker ran them)" : ""));
                foreach (var failure in failures)
                {
                    context.Say($"  {failure.JobId} ({failure.Name}): {OrchJson.EnumText(failure.Status)}{(failure.Error is null ? "" : $": {failure.Error}")}; log {failure.LogFile}");
                }
            }

            // A stopped worker's unfinished jobs went back to the queue; the stop itself is the result.
            return ct.IsCancellationRequested ? ExitCodes.Cancelled : JobExitCodes.For(outcomes.Select(o => o.Status));
        });
        return command;
    }
}
