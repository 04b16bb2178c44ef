using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Orch.Core.Application;

namespace Orch.Dashboard.Api;

/// <summary>
/// The actions, behind the token (<see cref="Security.RequestGuard"/>): each builds a short-lived engine and calls the
/// use case the CLI calls. Resume starts <c>dotnet orch resume</c> in a process of its own: the dashboard runs no tools.
/// </summary>
internal static class ActionEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/api/runs/{id}/cancel", async (string id, DashboardOptions options, CancellationToken ct) =>
        {
            await using var engine = options.ActionEngine();
            return await engine.Plans.CancelAsync(id, ct) is { } error
                ? Refused(error)
                : Results.Json(new { run_id = id, cancel_requested = true }, DashboardJson.Options);
        });

        app.MapPost("/api/runs/{id}/resume", async (string id, DashboardOptions options, CancellationToken ct) =>
        {
            await using var engine = options.ActionEngine();
            var (log, error) = await engine.Plans.ResumeInBackgroundAsync(id, options.OrchCommand, ct);
            return error is not null
                ? Refused(error)
                : Results.Json(new { run_id = id, resumed = true, log }, DashboardJson.Options, statusCode: StatusCodes.Status202Accepted);
        });

        app.MapPost("/api/jobs", async (SubmitRequest request, DashboardOptions options, CancellationToken ct) =>
        {
            await using var engine = options.ActionEngine();
            var root = Path.GetFullPath(engine.RepositoryRoot);
            var full = Path.GetFullPath(Path.Combine(root, request.Path ?? ""));
            if (string.IsNullOrWhiteSpace(request.Path) || !full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                return Refused(new OrchError("ORCH1010", $"'{request.Path}' is not a job file inside {root}", "give the job file's path relative to the repository."),
                    StatusCodes.Status400BadRequest);
            }

            var result = await engine.Jobs.SubmitAsync([full], ct);
            return result.Rejected
                ? Results.Json(new { error = "nothing was queued", problems = result.Diagnostics.Select(d => d.ToString()) }, DashboardJson.Options,
                    statusCode: StatusCodes.Status400BadRequest)
                : Results.Json(new { queued = result.Queued.Select(j => new { id = j.Id, name = j.Spec.Name }) }, DashboardJson.Options,
                    statusCode: StatusCodes.Status201Created);
        });
    }

    private static IResult Refused(OrchError error, int status = StatusCodes.Status409Conflict) =>
        Results.Json(new { code = error.Code, error = error.Message, hint = error.Hint }, DashboardJson.Options, statusCode: status);

    /// <summary>The body of <c>POST /api/jobs</c>.</summary>
    internal sealed record SubmitRequest(string? Path);
}
