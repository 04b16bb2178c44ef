
namespace Orch.Core.Events;

/// <summary>Every event kind Orch emits and its record type. schema/event.v1.schema.json describes each; a test holds the two together.</summary>
public static class EventCatalog
{
    public static IReadOnlyDictionary<string, Type> Kinds { get; } = new Dictionary<string, Type>(StringComparer.Ordinal)
    {
        [JobQueued.KindName] = typeof(JobQueued),
        [JobStarted.KindName] = typeof(JobStarted),
        [JobRecovered.KindName] = typeof(JobRecovered),
        [JobAbandoned.KindName] = typeof(JobAbandoned),
        [JobRetryScheduled.KindName] = typeof(JobRetryScheduled),
        [JobFinished.KindName] = typeof(JobFinished),
        [JobEscalated.KindName] = typeof(JobEscalated),
        [AttemptStarted.KindName] = typeof(AttemptStarted),
        [AttemptUsage.KindName] = typeof(AttemptUsage),
        [AttemptFinished.KindName] = typeof(AttemptFinished),
        [BreakerOpened.KindName] = typeof(BreakerOpened),
        [BreakerHalfOpened.KindName] = typeof(BreakerHalfOpened),
        [BreakerClosed.KindName] = typeof(BreakerClosed),
        [RunStarted.KindName] = typeof(RunStarted),
        [RunFinished.KindName] = typeof(RunFinished),
        [RunResumed.KindName] = typeof(RunResumed),
        [WaveStarted.KindName] = typeof(WaveStarted),
        [RoutingDecided.KindName] = typeof(RoutingDecided),
        [WorkstreamStarted.KindName] = typeof(WorkstreamStarted),
        [WorkstreamReset.KindName] = typeof(WorkstreamReset),
        [PhaseSkipped.KindName] = typeof(PhaseSkipped),
        [PhaseChecked.KindName] = typeof(PhaseChecked),
        [WorkstreamEscalated.KindName] = typeof(WorkstreamEscalated),
        [WorkstreamScopeViolation.KindName] = typeof(WorkstreamScopeViolation),
        [WorkstreamCheckpoint.KindName] = typeof(WorkstreamCheckpoint),
        [WorkstreamToolOutput.KindName] = typeof(WorkstreamToolOutput),
        [WorkstreamFinished.KindName] = typeof(WorkstreamFinished),
        [WorkstreamMerged.KindName] = typeof(WorkstreamMerged),
        [WorkstreamMergeConflict.KindName] = typeof(WorkstreamMergeConflict),
    };
}
