using System.Collections.Concurrent;
using Orch.Abstractions.Adapters;
using Orch.Abstractions.Events;
using Orch.Core.Events;
using Orch.Core.Jobs;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace Orch.Core.Execution;

/// <summary>
/// The Polly pipelines around tool runs: per job, retry (exponential backoff with jitter) and timeout; per tool, one
/// circuit breaker shared by every job of that tool in this process. Order, outside in: retry, breaker, timeout.
/// </summary>
public sealed class ToolPipelines
{
    // Lazy: GetOrAdd may run its factory twice under contention, and a breaker's state may be built only once.
    private readonly ConcurrentDictionary<string, Lazy<ResiliencePipeline<ToolResult>>> _breakers = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, CircuitBreakerStateProvider> _states = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _breakEnds = new(StringComparer.OrdinalIgnoreCase);
    // A timeout pipeline holds no state, and a queue's jobs mostly share a few timeouts: built once per value.
    private readonly ConcurrentDictionary<TimeSpan, ResiliencePipeline> _timeouts = new();
    private static readonly TimeSpan BackstopGrace = TimeSpan.FromSeconds(5);
    private readonly ToolSettings _settings;
    private readonly TimeProvider _time;
    private readonly Func<OrchEvent, ValueTask> _onBreakerEvent;

    public ToolPipelines(ToolSettings settings, TimeProvider time, Func<OrchEvent, ValueTask> onBreakerEvent)
    {
        _settings = settings;
        _time = time;
        _onBreakerEvent = onBreakerEvent;
    }

    /// <summary>Runs the attempt under the job's retry and timeout and the tool's breaker; <c>onRetry</c> is told the attempt that failed and the delay before the next.</summary>
    public async ValueTask<ToolResult> ExecuteAsync(JobSpec spec, Func<CancellationToken, ValueTask<ToolResult>> attempt,
        Action<int, TimeSpan> onRetry, CancellationToken cancellationToken)
    {
        var breaker = BreakerFor(spec.Tool);
        // A little past the job's own timeout: the process runner kills at the timeout and says so; this catches an adapter that hangs after.
        var timeout = _timeouts.GetOrAdd(Clamp(spec.Timeout) + BackstopGrace, limit => new ResiliencePipelineBuilder { TimeProvider = _time }.AddTimeout(limit).Build());
        var retry = BuildRetry(spec.Retry, onRetry);
        return await retry.ExecuteAsync(
            async ct1 => await breaker.ExecuteAsync(
                async ct2 => await timeout.ExecuteAsync(async ct3 => await attempt(ct3), ct2), ct1),
            cancellationToken);
    }

    /// <summary>
    /// True while the tool's breaker is open. Polly leaves Open only on the next call, so once the break is over the
    /// breaker counts as closed here: routing must send that next call, the half-open probe, or the tool stays shut out.
    /// </summary>
    public bool IsOpen(string tool) =>
        _states.TryGetValue(tool, out var state) && state.CircuitState is CircuitState.Open or CircuitState.Isolated
        && (!_breakEnds.TryGetValue(tool, out var end) || _time.GetUtcNow() < end);

    public ResiliencePipeline<ToolResult> BreakerFor(string tool) =>
        _breakers.GetOrAdd(tool, name => new Lazy<ResiliencePipeline<ToolResult>>(() => BuildBreaker(name))).Value;

    private ResiliencePipeline<ToolResult> BuildBreaker(string name)
    {
        var options = _settings.For(name).Breaker;
        return new ResiliencePipelineBuilder<ToolResult> { TimeProvider = _time }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<ToolResult>
            {
                // Every sampled call failed, and there were at least FailureThreshold of them.
                FailureRatio = 1.0,
                MinimumThroughput = Math.Max(2, options.FailureThreshold),
                SamplingDuration = options.SamplingDuration,
                BreakDuration = options.BreakDuration,
                ShouldHandle = args => ValueTask.FromResult(IsFailure(args.Outcome)),
                StateProvider = _states.GetOrAdd(name, _ => new CircuitBreakerStateProvider()),
                OnOpened = args =>
                {
                    _breakEnds[name] = _time.GetUtcNow() + args.BreakDuration;
                    return _onBreakerEvent(new BreakerOpened(name, args.BreakDuration.TotalSeconds));
                },
                OnHalfOpened = _ => _onBreakerEvent(new BreakerHalfOpened(name)),
                OnClosed = _ => _onBreakerEvent(new BreakerClosed(name)),
            })
            .Build();
    }

    private ResiliencePipeline<ToolResult> BuildRetry(RetrySettings retry, Action<int, TimeSpan> onRetry)
    {
        if (retry.MaxRetries <= 0)
        {
            return ResiliencePipeline<ToolResult>.Empty;
        }

        return new ResiliencePipelineBuilder<ToolResult> { TimeProvider = _time }
            .AddRetry(new RetryStrategyOptions<ToolResult>
            {
                MaxRetryAttempts = retry.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = retry.UseJitter,
                Delay = retry.BaseDelay,
                MaxDelay = TimeSpan.FromMinutes(5),
                ShouldHandle = args => ValueTask.FromResult(IsFailure(args.Outcome)),
                OnRetry = args =>
                {
                    onRetry(args.AttemptNumber + 1, args.RetryDelay);
                    return default;
                },
            })
            .Build();
    }

    private static bool IsFailure(Outcome<ToolResult> outcome) => outcome switch
    {
        { Exception: TimeoutRejectedException or ToolStalledException } => true,
        { Exception: null, Result: { Succeeded: false } } => true,
        _ => false,
    };

    // Polly takes at most a day, and the backstop's grace comes on top.
    private static TimeSpan Clamp(TimeSpan timeout) =>
        timeout < TimeSpan.FromMilliseconds(10) ? TimeSpan.FromMilliseconds(10) : timeout > TimeSpan.FromDays(1) - BackstopGrace ? TimeSpan.FromDays(1) - BackstopGrace : timeout;
}
