using Orch.Core.Events;
using Orch.Core.Planning;
using Orch.Core.Storage;

namespace Orch.Core.Workflow;

/// <summary>Ends a workstream that did not get to run its phases (or whose worker could not finish them): the record, the event and the outcome.</summary>
internal static class WorkstreamVerdict
{
    public static async Task<WorkstreamOutcome> RecordAsync(WorkflowServices services, string runId, WorkstreamSpec ws, WorkstreamStatus status, StopReason reason,
        string detail, int attempts = 0, DateTimeOffset? startedAt = null)
    {
        var now = services.Time.GetUtcNow();
        await services.Runs.SaveWorkstreamAsync(new WorkstreamRecord(runId, ws.Id, ws.Title, status, reason, attempts, detail, startedAt, now), CancellationToken.None);
        await services.Bus.PublishAsync(new WorkstreamFinished(ws.Id, status, reason, attempts, detail) { RunId = runId });
        return new WorkstreamOutcome(ws.Id, status, reason, attempts, detail);
    }
}
