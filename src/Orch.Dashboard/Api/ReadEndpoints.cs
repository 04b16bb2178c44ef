using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Orch.Dashboard.Api;

/// <summary>What the pages read: the runs, one run whole, and the event streams that tell them to read again.</summary>
internal static class ReadEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/api/runs", async (ReadGate gate, CancellationToken ct) =>
        {
            var last = await gate.ReadAsync(e => e.Reports.LastEventIdAsync(ct), ct);
            return Results.Json(DashboardJson.Runs(await gate.ReadAsync(e => e.Reports.StatusAsync(null, ct), ct), last), DashboardJson.Options);
        });

        app.MapGet("/api/runs/{id}", async (string id, ReadGate gate, CancellationToken ct) =>
            await gate.ReadAsync(e => e.Reports.RunOverviewAsync(id, ct), ct) is { } overview
                ? Results.Json(DashboardJson.Overview(overview), DashboardJson.Options)
                : Results.Json(new { error = $"no run '{id}'" }, DashboardJson.Options, statusCode: StatusCodes.Status404NotFound));

        app.MapGet("/api/events", (HttpContext http, ReadGate gate, DashboardOptions options) => EventStream.RunAsync(http, gate, null, options));
        app.MapGet("/api/runs/{id}/events", (string id, HttpContext http, ReadGate gate, DashboardOptions options) => EventStream.RunAsync(http, gate, id, options));
    }
}
