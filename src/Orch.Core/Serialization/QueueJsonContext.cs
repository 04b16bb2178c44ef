using System.Text.Json.Serialization;
using Orch.Core.Events;
using Orch.Core.Jobs;

namespace Orch.Core.Serialization;

/// <summary>
/// Compiled metadata for what a queued job reads and writes each time: its spec and the events of its life. Built
/// by reflection instead, the spec's metadata cost about 40 ms of emitted code at a worker's first job and each
/// event's a little more. <see cref="OrchJson"/> consults it first; its options (names, enums, nulls) are Orch's, so
/// the text is the same either way (<c>QueueJsonContextTests</c>).
/// </summary>
[JsonSerializable(typeof(JobSpec))]
[JsonSerializable(typeof(JobQueued))]
[JsonSerializable(typeof(JobStarted))]
[JsonSerializable(typeof(AttemptStarted))]
[JsonSerializable(typeof(AttemptUsage))]
[JsonSerializable(typeof(AttemptFinished))]
[JsonSerializable(typeof(JobRetryScheduled))]
[JsonSerializable(typeof(JobFinished))]
[JsonSerializable(typeof(JobRecovered))]
[JsonSerializable(typeof(JobEscalated))]
[JsonSerializable(typeof(JobAbandoned))]
internal sealed partial class QueueJsonContext : JsonSerializerContext;
