using System.Text.Json;
using Orch.Abstractions.Events;
using Orch.Abstractions.State;
using Orch.Cli.Hosting;

namespace Orch.Cli.Rendering;

/// <summary>Shows events as they happen: JSON lines in JSON format, short lines for people otherwise.</summary>
/// <param name="jobDetail">The verbosity at which per-job attempt and retry lines show: normal for job run, detailed inside a plan run.</param>
internal sealed class ConsoleEventSink(CliContext context, Verbosity jobDetail) : IEventSink
{
    private readonly Lock _gate = new();

    public void Publish(NewEvent evt)
    {
        lock (_gate)
        {
            if (context.Json)
            {
                JsonOutput.WriteLine(context.Out, JsonOutput.Event(evt));
                return;
            }

            if (context.Verbosity < Verbosity.Normal)
            {
                return;
            }

            var data = evt.Data is null ? default : JsonDocument.Parse(evt.Data).RootElement;
            var line = evt.Kind switch
            {
                "attempt.started" when context.Verbosity >= Verbosity.Detailed => $"  {evt.JobId}: attempt {Get(data, "attempt")} started",
                "attempt.finished" when context.Verbosity >= jobDetail => $"  {evt.JobId}: attempt {Get(data, "attempt")} {Get(data, "status")}{Suffix(data, "error")}",
                "job.retry_scheduled" when context.Verbosity >= jobDetail => $"  {evt.JobId}: retrying in {Get(data, "delay_ms")} ms",
                "breaker.opened" => $"  breaker for '{Get(data, "tool")}' opened",
                "breaker.closed" => $"  breaker for '{Get(data, "tool")}' closed",
                "wave.started" => $"wave {Get(data, "wave")}: {Join(data, "workstreams")}",
                "workstream.started" => $"  {Get(data, "workstream")}: started in {Get(data, "worktree")}",
                "phase.checked" => $"  {Get(data, "workstream")}: {Get(data, "phase")} check {Get(data, "attempt")} " +
                                   (Get(data, "passed") == "True" ? "passed" : $"found {Get(data, "findings")} finding(s)"),
                "workstream.checkpoint" when context.Verbosity >= Verbosity.Detailed => $"  {Get(data, "workstream")}: checkpoint {Get(data, "commit")[..7]} ({Get(data, "label")})",
                "workstream.scope_violation" => $"  {Get(data, "workstream")}: changed files outside its scope: {Join(data, "files")}",
                "workstream.finished" => $"  {Get(data, "workstream")}: {Get(data, "status")} ({Get(data, "stop_reason")}){Suffix(data, "detail")}",
                "workstream.tool_output" => string.Join(Environment.NewLine, Lines(data, "lines").Select(l => $"  {Get(data, "workstream")}| {l}")) is { Length: > 0 } text ? text : null,
                "workstream.merged" => $"  {Get(data, "workstream")}: merged {Get(data, "branch")}",
                "workstream.merge_conflict" => $"  {Get(data, "workstream")}: merge conflict in {Join(data, "files")}",
                _ => null,
            };
            if (line is not null)
            {
                context.Out.WriteLine(line);
            }
        }
    }

    private static string Get(JsonElement data, string name) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty(name, out var value) ? value.ToString() : "";

    private static IEnumerable<string> Lines(JsonElement data, string name) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray().Select(v => v.ToString())
            : [];

    private static string Join(JsonElement data, string name) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? string.Join(", ", value.EnumerateArray().Select(v => v.ToString()))
            : "";

    private static string Suffix(JsonElement data, string name) => Get(data, name) is { Length: > 0 } text ? $" ({text})" : "";
}
