using System.Diagnostics;
using System.Text.Json;
using Orch.Cli.Tests.Support;
using Orch.Core.Schemas;
using Orch.Testing;

namespace Orch.Cli.Tests.Operator;

/// <summary>What an operator reaches for while a run goes on: its findings round by round, its logs, and a cancel from elsewhere.</summary>
[TestClass]
[TestCategory(Categories.Process)]
public sealed class OperatorCommandsTests
{
    private static string Db(TestRepository repo) => repo.Combine(".orch", "state.db");

    private static readonly string GrowingFinding = SamplePlans.FixLoop();

    private static async Task<string> RunToEndAsync(TestRepository repo)
    {
        repo.Write("plan.yaml", GrowingFinding);
        var (exit, output, error) = await OrchRunner.RunAsync(repo.Path, Db(repo), "run", "plan.yaml", "--format", "json");
        Assert.AreEqual(1, exit, output + error);
        return JsonDocument.Parse(output.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]).RootElement.GetProperty("run_id").GetString()!;
    }

    [TestMethod]
    public async Task Findings_OfARunWithAFixLoop_ListEachRoundWithFileLineAndTheMessageOfThatRound()
    {
        using var repo = new TestRepository(new Dictionary<string, string> { ["src/a.txt"] = "a\n" });
        var runId = await RunToEndAsync(repo);

        var json = await OrchRunner.RunAsync(repo.Path, Db(repo), "findings", runId, "--format", "json");
        var console = await OrchRunner.RunAsync(repo.Path, Db(repo), "findings", runId);
        var runtimeOnly = await OrchRunner.RunAsync(repo.Path, Db(repo), "findings", runId, "--phase", "runtime", "--format", "json");

        Assert.AreEqual(0, json.Exit, json.Err);
        SchemaAssert.Valid(SchemaCatalog.FindingsOutput, json.Out);
        var checks = JsonDocument.Parse(json.Out).RootElement.GetProperty("checks").EnumerateArray().ToList();
        Assert.HasCount(3, checks, "one check before any FIX and one after each of two FIXes");
        CollectionAssert.AreEqual(new[] { 1, 2, 3 }, checks.Select(c => c.GetProperty("round").GetInt32()).ToArray());
        var messages = checks.Select(c => c.GetProperty("findings").EnumerateArray().Single()).ToList();
        CollectionAssert.AreEqual(new[] { "error E1: still 2 lines", "error E1: still 3 lines", "error E1: still 4 lines" },
            messages.Select(f => f.GetProperty("message").GetString()).ToArray(), "each round as it was, not the last one three times");
        foreach (var finding in messages)
        {
            Assert.AreEqual("src/a.txt", finding.GetProperty("file").GetString());
            Assert.AreEqual(1, finding.GetProperty("line").GetInt32());
            Assert.IsTrue(SchemaCatalog.Get(SchemaCatalog.Finding).Evaluate(finding).IsValid, finding.ToString());
        }

        StringAssert.Contains(console.Out, "notes  STATIC round 2");
        StringAssert.Contains(console.Out, "src/a.txt:1:1  error  error E1: still 3 lines");
        Assert.AreEqual(0, JsonDocument.Parse(runtimeOnly.Out).RootElement.GetProperty("checks").GetArrayLength());
        Assert.AreEqual(2, (await OrchRunner.RunAsync(repo.Path, Db(repo), "findings", "run-nope")).Exit);
    }

    [TestMethod]
    public async Task Run_InPlainOutput_ShowsWhatEachCheckSendsToFixWithFileAndLine()
    {
        using var repo = new TestRepository(new Dictionary<string, string> { ["src/a.txt"] = "a\n" });
        repo.Write("plan.yaml", GrowingFinding);

        var (exit, output, _) = await OrchRunner.RunAsync(repo.Path, Db(repo), "run", "plan.yaml");

        Assert.AreEqual(1, exit);
        StringAssert.Contains(output, "notes: STATIC check 1 found 1 finding(s)" + Environment.NewLine + "    src/a.txt:1: error E1: still 2 lines");
        StringAssert.Contains(output, "    src/a.txt:1: error E1: still 3 lines");
    }

    [TestMethod]
    public async Task PlanEstimate_BeforeAnyRunIsUnknown_AndAfterOneComesFromItsJobs()
    {
        using var repo = new TestRepository(new Dictionary<string, string> { ["src/a.txt"] = "a\n", ["plan.yaml"] = GrowingFinding });

        var before = await OrchRunner.RunAsync(repo.Path, Db(repo), "plan", "plan.yaml", "--estimate", "--format", "json");
        await RunToEndAsync(repo);
        var after = await OrchRunner.RunAsync(repo.Path, Db(repo), "plan", "plan.yaml", "--estimate", "--format", "json");

        var unknown = JsonDocument.Parse(before.Out).RootElement.GetProperty("estimate");
        Assert.IsFalse(unknown.TryGetProperty("duration_s", out _), "unknown is left out, never a made-up figure: " + before.Out);
        Assert.AreEqual(0, unknown.GetProperty("samples").GetInt32());
        var known = JsonDocument.Parse(after.Out).RootElement.GetProperty("estimate");
        Assert.AreEqual(JsonValueKind.Number, known.GetProperty("duration_s").ValueKind, after.Out);
        Assert.AreEqual(2.0, known.GetProperty("workstreams")[0].GetProperty("static_fix_rounds").GetDouble(), "the run it learned from took two FIX rounds");
        Assert.AreEqual(0m, known.GetProperty("cost_usd").GetDecimal(), "the script tool spends nothing");
    }

    [TestMethod]
    public async Task Run_OnATerminal_DrawsTheLiveView_AndWithNoColorPrintsPlainLines()
    {
        if (OperatingSystem.IsWindows() || !File.Exists("/usr/bin/script"))
        {
            Assert.Inconclusive("needs util-linux script(1) to give the run a terminal");
        }

        using var repo = new TestRepository(new Dictionary<string, string> { ["src/a.txt"] = "a\n" });
        repo.Write("plan.yaml", GrowingFinding);

        var live = await OnTerminalAsync(repo, noColor: false);
        var plain = await OnTerminalAsync(repo, noColor: true);

        StringAssert.Contains(live, "1/1 done", "the header counts the workstreams done");
        StringAssert.Contains(live, "ETA");
        StringAssert.Contains(live, "notes STATIC round 1: src/a.txt:1 error E1: still 2 lines", "the findings of each FIX round, as they come");
        StringAssert.Contains(live, "\u001b[", "drawn with terminal control sequences");
        Assert.IsFalse(plain.Contains("1/1 done", StringComparison.Ordinal), "NO_COLOR: no live view");
        StringAssert.Contains(plain, "notes: STATIC check 1 found 1 finding(s)");
    }

    // Runs the plan under script(1), which gives it a pseudo-terminal, and returns what the terminal got.
    private static async Task<string> OnTerminalAsync(TestRepository repo, bool noColor)
    {
        var info = new ProcessStartInfo("/usr/bin/script") { WorkingDirectory = repo.Path, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "-qec", $"dotnet '{OrchProcess.Dll}' run plan.yaml", "/dev/null" })
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["ORCH_DB"] = Db(repo);
        info.Environment["TERM"] = "xterm-256color";
        info.Environment.Remove("NO_COLOR");
        info.Environment.Remove("CI");
        if (noColor)
        {
            info.Environment["NO_COLOR"] = "1";
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return await output;
    }

    [TestMethod]
    public async Task FindingsAsSarif_MatchTheSarifSchema_WithWhatTheLastRoundLeft()
    {
        var schemaFile = Path.Combine(SourceTree.Root(), "artifacts", "schemas", "sarif-2.1.0.json");
        if (!File.Exists(schemaFile))
        {
            Assert.Inconclusive($"{schemaFile} is missing: build/test.sh fetches it with npm");
        }

        using var repo = new TestRepository(new Dictionary<string, string> { ["src/a.txt"] = "a\n" });
        var runId = await RunToEndAsync(repo);

        var (exit, output, error) = await OrchRunner.RunAsync(repo.Path, Db(repo), "findings", runId, "--format", "sarif");
        var misuse = await OrchRunner.RunAsync(repo.Path, Db(repo), "status", "--format", "sarif");

        Assert.AreEqual(0, exit, error);
        var sarif = JsonDocument.Parse(output).RootElement;
        // The OASIS schema is draft-04, which the validator does not read; it uses nothing that draft-07 reads otherwise.
        var schema = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(schemaFile))!.AsObject();
        schema["$schema"] = "http://json-schema.org/draft-07/schema#";
        schema.Remove("id");
        var validator = Json.Schema.JsonSchema.FromText(schema.ToJsonString());
        var result = validator.Evaluate(sarif, new Json.Schema.EvaluationOptions { OutputFormat = Json.Schema.OutputFormat.List });
        var broken = System.Text.Json.Nodes.JsonNode.Parse(output)!;
        broken["runs"]![0]!["results"]![0]!["level"] = "fatal";
        Assert.IsFalse(validator.Evaluate(JsonDocument.Parse(broken.ToJsonString()).RootElement).IsValid, "the schema does check: no level 'fatal'");
        Assert.IsTrue(result.IsValid, string.Join('\n', (result.Details ?? []).Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"))));
        Assert.AreEqual("2.1.0", sarif.GetProperty("version").GetString());
        var finding = sarif.GetProperty("runs")[0].GetProperty("results").EnumerateArray().Single();
        Assert.AreEqual("error E1: still 4 lines", finding.GetProperty("message").GetProperty("text").GetString(), "the last round's, not every round's");
        var location = finding.GetProperty("locations")[0].GetProperty("physicalLocation");
        Assert.AreEqual("src/a.txt", location.GetProperty("artifactLocation").GetProperty("uri").GetString());
        Assert.AreEqual(1, location.GetProperty("region").GetProperty("startLine").GetInt32());
        Assert.AreEqual(2, misuse.Exit, "sarif is for findings only");
    }

    [TestMethod]
    public async Task Logs_OfAWorkstreamAndOfAJob_PrintTheirLogsWithAHeaderEach()
    {
        using var repo = new TestRepository(new Dictionary<string, string> { ["src/a.txt"] = "a\n" });
        var runId = await RunToEndAsync(repo);

        var all = await OrchRunner.RunAsync(repo.Path, Db(repo), "logs", $"{runId}/notes");
        var jobId = all.Out.Split('\n').First(l => l.StartsWith("==> notes:EDIT-1", StringComparison.Ordinal)).Split('(', ',')[1];
        var one = await OrchRunner.RunAsync(repo.Path, Db(repo), "logs", jobId);
        var missing = await OrchRunner.RunAsync(repo.Path, Db(repo), "logs", $"{runId}/nope");

        Assert.AreEqual(0, all.Exit, all.Err);
        StringAssert.Contains(all.Out, "==> notes:static-1-1");
        StringAssert.Contains(all.Out, "still 2 lines", "the first check's output");
        StringAssert.Contains(all.Out, "edited src/a.txt", "the edit's output");
        Assert.AreEqual(0, one.Exit, one.Err);
        Assert.AreEqual(1, one.Out.Split('\n').Count(l => l.StartsWith("==> ", StringComparison.Ordinal)), one.Out);
        StringAssert.Contains(one.Out, "edited src/a.txt");
        Assert.AreEqual(2, missing.Exit);
        StringAssert.Contains(missing.Err, "ORCH2002");
    }

    [TestMethod]
    public async Task StatusAndLogs_OfAJobThatPrintedNothingAndSucceeded_SayItLeftNoLog_WhileAFailureKeepsItsLog()
    {
        using var repo = new TestRepository(new Dictionary<string, string>
        {
            ["quiet.yaml"] = "id: quiet\ncommand: [\"true\"]\n",
            ["failing.yaml"] = "id: failing\ncommand: [sh, -c, 'exit 3']\n",
        });
        async Task<JsonElement> RunJobAsync(string file)
        {
            var (_, output, _) = await OrchRunner.RunAsync(repo.Path, Db(repo), "job", "run", file, "--format", "json");
            return JsonDocument.Parse(output.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]).RootElement;
        }

        var quiet = await RunJobAsync("quiet.yaml");
        var failing = await RunJobAsync("failing.yaml");
        var quietId = quiet.GetProperty("job_id").GetString()!;
        var status = await OrchRunner.RunAsync(repo.Path, Db(repo), "status", quietId, "--format", "json");
        var logs = await OrchRunner.RunAsync(repo.Path, Db(repo), "logs", quietId);
        var failingLogs = await OrchRunner.RunAsync(repo.Path, Db(repo), "logs", failing.GetProperty("job_id").GetString()!);

        Assert.IsFalse(quiet.TryGetProperty("log_file", out _), "job run's summary names no log that is not there");
        Assert.IsFalse(Directory.Exists(repo.Combine(".orch", "logs")) && Directory.GetFiles(repo.Combine(".orch", "logs"), $"{quietId}*").Length > 0,
            "a quiet success leaves no file behind");
        SchemaAssert.Valid(SchemaCatalog.StatusOutput, status.Out);
        Assert.IsFalse(JsonDocument.Parse(status.Out).RootElement.TryGetProperty("log_file", out _));
        Assert.AreEqual(0, logs.Exit, logs.Err);
        StringAssert.Contains(logs.Out, "no log, it printed nothing");
        Assert.AreEqual(0, failingLogs.Exit, failingLogs.Err);
        StringAssert.Contains(failingLogs.Out, "$ sh -c 'exit 3'");
        StringAssert.Contains(failingLogs.Out, "# exit code 3", "a failure keeps its log, even a silent one");
    }

    [TestMethod]
    public async Task Cancel_FromASecondProcess_StopsALiveRun_ThatResumeThenFinishes()
    {
        using var outside = new TempDirectory();
        var slow = outside.Combine("slow");
        File.WriteAllText(slow, "");
        using var repo = new TestRepository(new Dictionary<string, string>
        {
            ["a/x.txt"] = "\n",
            ["plan.yaml"] = "workstreams:\n  - {id: w, files_scope: [a/], edit: {tool: script, command: [sh, -c, " +
                            $"'if [ -f {slow} ]; then sleep 60; fi; echo done > a/x.txt']}}, static: [], runtime: []}}\n",
        });
        using var running = OrchProcess.Start(repo.Path, Db(repo), null, "run", "plan.yaml");
        var runId = await WaitForRunningAsync(repo);

        var cancel = await OrchRunner.RunAsync(repo.Path, Db(repo), "cancel", runId);

        Assert.AreEqual(0, cancel.Exit, cancel.Out + cancel.Err);
        var clock = Stopwatch.StartNew();
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            await running.WaitForExitAsync(timeout.Token);
        }

        Assert.AreEqual(130, running.ExitCode, "stopped as by Ctrl-C: " + await running.StandardError.ReadToEndAsync());
        Assert.IsLessThan(20, clock.Elapsed.TotalSeconds, "it stopped at the request, not when the 60 s edit ended");
        var again = await OrchRunner.RunAsync(repo.Path, Db(repo), "cancel", runId);
        Assert.AreEqual(2, again.Exit, "a run that is not running cannot be cancelled");

        File.Delete(slow);
        var resumed = await OrchRunner.RunAsync(repo.Path, Db(repo), "resume", runId);

        Assert.AreEqual(0, resumed.Exit, resumed.Out + resumed.Err);
        Assert.AreEqual("done\n", File.ReadAllText(repo.Combine("a", "x.txt")));
    }

    [TestMethod]
    public async Task StatusWatch_OfALiveRun_RefreshesUntilItEndsThenExits()
    {
        using var repo = new TestRepository(new Dictionary<string, string>
        {
            ["a/x.txt"] = "\n",
            ["plan.yaml"] = "workstreams:\n  - {id: w, files_scope: [a/], edit: {tool: script, command: [sh, -c, 'sleep 3; echo done > a/x.txt']}, static: [], runtime: []}\n",
        });
        using var running = OrchProcess.Start(repo.Path, Db(repo), null, "run", "plan.yaml");
        var runId = await WaitForRunningAsync(repo);

        var (exit, output, error) = await OrchRunner.RunAsync(repo.Path, Db(repo), "status", runId, "--watch", "--interval", "0.3", "--format", "json");

        Assert.AreEqual(0, exit, error);
        var states = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("status").GetString()).ToList();
        Assert.IsGreaterThan(1, states.Count, "it refreshed while the run went on");
        Assert.AreEqual("running", states[0]);
        Assert.AreEqual("succeeded", states[^1], "and stopped once the run ended");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await running.WaitForExitAsync(timeout.Token);
    }

    [TestMethod]
    public async Task LogsFollow_OfALiveWorkstream_PrintsLinesAsTheyComeAndEndsWithTheRun()
    {
        using var repo = new TestRepository(new Dictionary<string, string>
        {
            ["a/x.txt"] = "\n",
            ["plan.yaml"] = "workstreams:\n  - {id: w, files_scope: [a/], edit: {tool: script, command: [sh, -c, " +
                            "'echo first line; sleep 2; echo second line; echo done > a/x.txt']}, static: [[sh, -c, 'echo checked']], runtime: []}\n",
        });
        using var running = OrchProcess.Start(repo.Path, Db(repo), null, "run", "plan.yaml");
        var runId = await WaitForRunningAsync(repo);

        var (exit, output, error) = await OrchRunner.RunAsync(repo.Path, Db(repo), "logs", $"{runId}/w", "--follow");

        Assert.AreEqual(0, exit, error);
        var lines = output.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        Assert.IsLessThan(lines.IndexOf("second line"), lines.IndexOf("first line"), output);
        Assert.Contains("checked", lines, "the check that came after the edit, followed into");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await running.WaitForExitAsync(timeout.Token);
        Assert.AreEqual(0, running.ExitCode);
    }

    [TestMethod]
    public async Task LogsFollow_OfAWorkstreamNotStartedYet_WaitsForIt_AndPrintsItsLines()
    {
        using var repo = new TestRepository(new Dictionary<string, string>
        {
            ["a/x.txt"] = "\n",
            ["b/y.txt"] = "\n",
            // 'later' is recorded only once 'first' has merged, seconds after the run shows as running.
            ["plan.yaml"] = "workstreams:\n" +
                            "  - {id: first, files_scope: [a/], edit: {tool: script, command: [sh, -c, 'sleep 2; echo one > a/x.txt']}, static: [], runtime: []}\n" +
                            "  - {id: later, depends_on: [first], files_scope: [b/], edit: {tool: script, command: [sh, -c, 'echo from later; echo two > b/y.txt']}, static: [], runtime: []}\n",
        });
        using var running = OrchProcess.Start(repo.Path, Db(repo), null, "run", "plan.yaml");
        var runId = await WaitForRunningAsync(repo);

        var (exit, output, error) = await OrchRunner.RunAsync(repo.Path, Db(repo), "logs", $"{runId}/later", "--follow");
        var unknown = await OrchRunner.RunAsync(repo.Path, Db(repo), "logs", $"{runId}/nope");

        Assert.AreEqual(0, exit, error);
        Assert.Contains("from later", output.Split('\n').Select(l => l.TrimEnd('\r')).ToList(), output);
        Assert.AreEqual(2, unknown.Exit, "without --follow, a workstream the run has not recorded is still an error");
        StringAssert.Contains(unknown.Err, "ORCH2002");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await running.WaitForExitAsync(timeout.Token);
        Assert.AreEqual(0, running.ExitCode);
    }

    [TestMethod]
    public async Task LogsFollow_OfAJobThatEndsWithoutAWord_SaysItPrintedNothing()
    {
        using var repo = new TestRepository(new Dictionary<string, string> { ["quiet.yaml"] = "id: quiet\ncommand: [sleep, \"2\"]\n" });
        using var running = OrchProcess.Start(repo.Path, Db(repo), null, "job", "run", "quiet.yaml");
        string? jobId = null;
        var deadline = Stopwatch.StartNew();
        while (jobId is null && deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            var list = await OrchRunner.RunAsync(repo.Path, Db(repo), "job", "list", "--status", "running", "--format", "json");
            jobId = list.Exit == 0 && list.Out.Length > 0
                ? JsonDocument.Parse(list.Out).RootElement.GetProperty("jobs").EnumerateArray().Select(j => j.GetProperty("job_id").GetString()).FirstOrDefault()
                : null;
            await Task.Delay(100);
        }

        var (exit, output, error) = await OrchRunner.RunAsync(repo.Path, Db(repo), "logs", jobId ?? "none", "--follow");

        Assert.AreEqual(0, exit, error);
        StringAssert.Contains(output, ", running): ", "the header came while the job ran");
        StringAssert.Contains(output, "(it printed nothing and exited 0, so no log file was made)", output);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await running.WaitForExitAsync(timeout.Token);
    }

    private static async Task<string> WaitForRunningAsync(TestRepository repo)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            var status = await OrchRunner.RunAsync(repo.Path, Db(repo), "status", "--format", "json");
            if (status.Exit == 0 && status.Out.Length > 0)
            {
                var run = JsonDocument.Parse(status.Out).RootElement.GetProperty("runs").EnumerateArray().FirstOrDefault();
                if (run.ValueKind == JsonValueKind.Object && run.GetProperty("status").GetString() == "running")
                {
                    return run.GetProperty("run_id").GetString()!;
                }
            }

            await Task.Delay(200);
        }

        throw new TimeoutException("the run never showed as running");
    }
}
