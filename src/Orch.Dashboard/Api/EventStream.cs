using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Orch.Core.Storage;

namespace Orch.Dashboard.Api;

/// <summary>
/// Server-sent events from the stored event log: every event after the one the page last saw (<c>?after=</c>, or the
/// <c>Last-Event-ID</c> a reconnecting browser sends), as they are committed by whichever process runs the work. The
/// log is the source, so a page opened or reconnected halfway through a run misses nothing.
/// </summary>
internal static class EventStream
{
    public static async Task RunAsync(HttpContext http, ReadGate gate, string? subject, DashboardOptions options)
    {
        var after = LastSeen(http.Request);
        var response = http.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        var ct = http.RequestAborted;
        await response.WriteAsync("retry: 1000\n\n", ct);
        await response.Body.FlushAsync(ct);
        var quietSince = options.Time.GetTimestamp();
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var batch = await gate.ReadAsync(e => ReadAsync(e.Reports, subject, after, ct), ct);
                foreach (var e in batch)
                {
                    after = e.Id;
                    await response.WriteAsync(
                        $"id: {e.Id.ToString(CultureInfo.InvariantCulture)}\nevent: orch\ndata: {JsonSerializer.Serialize(DashboardJson.Event(e), DashboardJson.Options)}\n\n", ct);
                }

                if (batch.Count > 0)
                {
                    await response.Body.FlushAsync(ct);
                    quietSince = options.Time.GetTimestamp();
                }
                else if (options.Time.GetElapsedTime(quietSince) >= options.KeepAlive)
                {
                    await response.WriteAsync(": keep-alive\n\n", ct);
                    await response.Body.FlushAsync(ct);
                    quietSince = options.Time.GetTimestamp();
                }

                await Task.Delay(options.PollInterval, options.Time, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The page closed or the dashboard stopped.
        }
    }

    private static async Task<IReadOnlyList<EventRecord>> ReadAsync(Orch.Core.Application.ReportUseCases reports, string? subject, long after, CancellationToken ct)
    {
        var list = new List<EventRecord>();
        await foreach (var e in reports.EventsAsync(subject, after, follow: false, TimeSpan.Zero, ct))
        {
            list.Add(e);
            if (list.Count == 500)
            {
                break;
            }
        }

        return list;
    }

    private static long LastSeen(HttpRequest request)
    {
        var text = request.Headers["Last-Event-ID"].ToString() is { Length: > 0 } header ? header : request.Query["after"].ToString();
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : 0;
    }
}
