using Orch.Abstractions.Events;
using Orch.Cli.Hosting;
using Orch.Core.Events;
using Orch.Core.Serialization;

namespace Orch.Cli.Rendering;

/// <summary>Shows events as they happen: JSON lines in JSON format, short lines for people otherwise.</summary>
/// <param name="jobDetail">The verbosity at which per-job attempt and retry lines show: normal for job run, detailed inside a plan run.</param>
internal sealed class ConsoleEventSink(CliContext context, Verbosity jobDetail) : IEventSink
{
    // The bus calls sinks one event at a time, in order.
    public void Publish(OrchEvent evt)
    {
        if (context.Json)
        {
            context.Out.WriteLine(EventJson.Line(evt));
            return;
        }

        if (context.Verbosity < Verbosity.Normal)
        {
            return;
        }

        var detailed = context.Verbosity >= Verbosity.Detailed;
        var jobs = context.Verbosity >= jobDetail;
        var line = evt switch
        {
            JobStarted s when jobs => $"{evt.JobId}: running '{s.Name}' ({s.Tool}) in {context.RepositoryRoot}",
            AttemptStarted a when detailed => $"  {evt.JobId}: attempt {a.Attempt} started",
            AttemptFinished a when jobs => $"  {evt.JobId}: attempt {a.Attempt} {Word(a.Status)}{Suffix(a.Error)}",
            JobRetryScheduled r when jobs => $"  {evt.JobId}: retrying in {r.DelayMs} ms",
            JobEscalated e => $"{evt.JobId}: {Word(e.Status)}; retry_policy escalates to {e.To}",
            BreakerOpened b => $"  breaker for '{b.Tool}' opened",
            BreakerClosed b => $"  breaker for '{b.Tool}' closed",
            WorkstreamStarted w => $"  {w.Workstream}: started in {w.Worktree}" + (w.Base is { Length: >= 7 } b ? $" on {b[..7]}" : ""),
            HookStarted h when detailed => $"  {h.Workstream}: hook {h.Hook} `{h.Command}` started",
            HookFinished { Succeeded: false } h => $"  {h.Workstream}: hook {h.Hook} `{h.Command}` failed{Suffix(h.Error)} (log: {h.LogFile})",
            PhaseChecked p => $"  {p.Workstream}: {Word(p.Phase)} check {p.Attempt} " + (p.Passed ? "passed" : $"found {p.Findings} finding(s)") + Top(p),
            WorkstreamCheckpoint c when detailed => $"  {c.Workstream}: checkpoint {c.Commit[..Math.Min(7, c.Commit.Length)]} ({c.Label})",
            WorkstreamScopeViolation v => $"  {v.Workstream}: changed files outside its scope: {string.Join(", ", v.Files)}",
            WorkstreamFinished f => $"  {f.Workstream}: {Word(f.Status)} ({Word(f.StopReason)}){Suffix(f.Detail)}",
            WorkstreamToolOutput o => o.Lines.Count == 0 ? null : string.Join(Environment.NewLine, o.Lines.Select(l => $"  {o.Workstream}| {l}")),
            WorkstreamMerged m => $"  {m.Workstream}: merged {m.Branch}",
            WorkstreamMergeConflict m => m.Files.Count > 0 ? $"  {m.Workstream}: merge conflict in {string.Join(", ", m.Files)}" : $"  {m.Workstream}: merge blocked",
            WorkstreamQueued q => $"  {q.Workstream}: queued for a worker as {evt.JobId} (checkpoints under {q.Refs} on the shared remote)",
            _ => null,
        };
        if (line is not null)
        {
            context.Out.WriteLine(line);
        }
    }

    // The findings a check sent to FIX, capped: what the AI is asked to fix, with file:line.
    private static string Top(PhaseChecked check)
    {
        if (check.Passed || check.Top is not { Count: > 0 } top)
        {
            return "";
        }

        var lines = top.Take(5).Select(f =>
            $"{Environment.NewLine}    {(f.File is null ? "" : f.Line is null ? $"{f.File}: " : $"{f.File}:{f.Line}: ")}{(f.Code is null ? "" : f.Code + " ")}{f.Message}");
        var more = check.Findings > 5 ? $"{Environment.NewLine}    … and {check.Findings - 5} more (`dotnet orch findings {check.RunId}`)" : "";
        return string.Concat(lines) + more;
    }

    private static string Word<T>(T value) where T : struct, Enum => OrchJson.EnumText(value);

    private static string Suffix(string? text) => text is { Length: > 0 } ? $" ({text})" : "";
}
