using System.Text.Json;
using Orch.Abstractions.Events;
using Orch.Abstractions.State;
using Orch.Cli.Hosting;

namespace Orch.Cli.Rendering;

/// <summary>Shows events as they happen: JSON lines in JSON format, short lines for people otherwise.</summary>
internal sealed class ConsoleEventSink(CliContext context) : IEventSink
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
                "attempt.finished" => $"  {evt.JobId}: attempt {Get(data, "attempt")} {Get(data, "status")}{Suffix(data, "error")}",
                "job.retry_scheduled" => $"  {evt.JobId}: retrying in {Get(data, "delay_ms")} ms",
                "breaker.opened" => $"  breaker for '{Get(data, "tool")}' opened",
                "breaker.closed" => $"  breaker for '{Get(data, "tool")}' closed",
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

    private static string Suffix(JsonElement data, string name) => Get(data, name) is { Length: > 0 } text ? $" ({text})" : "";
}
