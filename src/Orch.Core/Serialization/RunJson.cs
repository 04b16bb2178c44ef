using Orch.Core.Storage;

namespace Orch.Core.Serialization;

/// <summary>How a run is written in JSON (<c>schema/output/status.v1.schema.json#/$defs/run</c>), the same for <c>status</c> and the dashboard.</summary>
public static class RunJson
{
    public static object Of(RunRecord run) => new
    {
        run_id = run.Id,
        kind = run.Kind,
        source = run.Source,
        status = OrchJson.EnumText(run.Status),
        stop_reason = run.StopReason,
        created_at = run.CreatedAt,
        finished_at = run.FinishedAt,
        cancel_requested_at = run.CancelRequestedAt,
    };

    /// <summary>A workstream's phase (<c>#/$defs/phase</c>).</summary>
    public static object Phase(PhaseRecord phase) => new
    {
        name = OrchJson.EnumText(phase.Name),
        status = OrchJson.EnumText(phase.Status),
        attempts = phase.Attempts,
        stop_reason = phase.StopReason is { } reason ? OrchJson.EnumText(reason) : null,
        checkpoint = phase.CheckpointSha,
    };

    /// <summary>One check of a FIX loop with what it found (<c>schema/output/findings.v1.schema.json</c>, <c>checks</c>).</summary>
    public static object Check(Application.CheckRound check) => new
    {
        workstream = check.Workstream,
        phase = check.Phase,
        round = check.Round,
        command = check.Command,
        job_id = check.JobId,
        tool = check.Tool,
        status = OrchJson.EnumText(check.Status),
        finished_at = check.FinishedAt,
        findings = check.Findings,
    };
}
