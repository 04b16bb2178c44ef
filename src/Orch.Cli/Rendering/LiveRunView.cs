using System.Globalization;
using Orch.Abstractions.Events;
using Orch.Cli.Hosting;
using Orch.Core.Estimates;
using Orch.Core.Events;
using Orch.Core.Serialization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Orch.Cli.Rendering;

/// <summary>
/// The live view of <c>run</c> and <c>resume</c> on a terminal: a header with workstreams done, spend against budget
/// and the run's ETA, one line per running workstream (phase, attempt, elapsed, ETA), and the findings of the latest
/// FIX rounds. Built from the same events every sink sees; elsewhere (a pipe, JSON, NO_COLOR) plain lines are printed.
/// </summary>
internal sealed class LiveRunView(CliContext context, decimal? budget) : IEventSink, IAsyncDisposable
{
    /// <summary>Reads what earlier runs predict for the plan, for the ETAs.</summary>
    public async Task LoadEstimatesAsync(Core.Application.OrchEngine engine, string planPath, int parallel, CancellationToken cancellationToken)
    {
        if (await engine.Plans.EstimateAsync(Core.Application.PlanUseCases.Describe(planPath).Plan, parallel, cancellationToken) is { } estimate)
        {
            UseEstimates(estimate.Track());
        }
    }

    private const int ShownFindings = 8;
    private readonly object _gate = new();
    private readonly Dictionary<string, (string Phase, long Started)> _running = new(StringComparer.Ordinal);
    private readonly List<string> _findings = [];
    private readonly CancellationTokenSource _stop = new();
    private RunEta? _eta;
    private long _runStarted = context.Time.GetTimestamp();
    private int _total;
    private int _done;
    private decimal _spent;
    private Task _display = Task.CompletedTask;

    /// <summary>True where a live view can show: a terminal with colors, console format, normal verbosity.</summary>
    public static bool Fits(CliContext context) =>
        !context.Json && context.Verbosity == Verbosity.Normal && context.Console.Profile.Capabilities.Ansi && context.IsTerminal;

    /// <summary>What earlier runs predict, refined as workstreams finish; unknown parts show as unknown.</summary>
    public void UseEstimates(RunEta eta)
    {
        lock (_gate)
        {
            _eta = eta;
        }
    }

    /// <summary>Starts drawing once the run exists and its size is known.</summary>
    public void Start(int workstreams)
    {
        lock (_gate)
        {
            _total = workstreams;
            _runStarted = context.Time.GetTimestamp();
        }

        _display = context.Console.Live(Render()).AutoClear(false).StartAsync(async live =>
        {
            while (!_stop.IsCancellationRequested)
            {
                live.UpdateTarget(Render());
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(250), context.Time, _stop.Token);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            live.UpdateTarget(Render());
        });
    }

    public void Publish(OrchEvent evt)
    {
        lock (_gate)
        {
            switch (evt)
            {
                case WorkstreamStarted w:
                    _running[w.Workstream] = ("EDIT", context.Time.GetTimestamp());
                    break;
                case JobStarted s when Core.Application.ReportUseCases.StepOf(s.Name) is { } step && _running.TryGetValue(step.Workstream, out var state):
                    _running[step.Workstream] = (step.Step, state.Started);
                    break;
                case PhaseChecked { Passed: false } p:
                    foreach (var f in (p.Top ?? []).Take(3))
                    {
                        _findings.Add($"{p.Workstream} {OrchJson.EnumText(p.Phase)} round {p.Attempt}: {(f.File is null ? "" : $"{f.File}:{f.Line} ")}{f.Message}");
                    }

                    if (_findings.Count > ShownFindings)
                    {
                        _findings.RemoveRange(0, _findings.Count - ShownFindings);
                    }

                    break;
                case AttemptUsage u:
                    _spent += u.CostUsd ?? 0;
                    break;
                case WorkstreamFinished f:
                    _eta?.Finished(f.Workstream, _running.TryGetValue(f.Workstream, out var ran) ? context.Time.GetElapsedTime(ran.Started) : null);
                    _running.Remove(f.Workstream);
                    _done++;
                    break;
            }
        }
    }

    private IRenderable Render()
    {
        lock (_gate)
        {
            var elapsed = context.Time.GetElapsedTime(_runStarted);
            var left = _eta?.RunLeft(_running.ToDictionary(r => r.Key, r => context.Time.GetElapsedTime(r.Value.Started), StringComparer.Ordinal));
            var eta = left is { } l ? (l > TimeSpan.Zero ? $"ETA {Clock(l)}" : "ETA any moment") : "ETA unknown";
            var spend = budget is { } b ? $"spent {Money(_spent)} of {Money(b)}" : $"spent {Money(_spent)}";
            var header = new Markup($"[bold]{_done}/{_total} done[/] · {Markup.Escape(spend)} · {Clock(elapsed)} · {eta}");
            var table = new Table().Border(TableBorder.None).AddColumns("workstream", "phase", "elapsed", "ETA");
            foreach (var (ws, state) in _running.OrderBy(r => r.Key, StringComparer.Ordinal))
            {
                var took = context.Time.GetElapsedTime(state.Started);
                var rest = _eta?.Left(ws, took) is { } r ? (r > TimeSpan.Zero ? Clock(r) : "any moment") : "unknown";
                table.AddRow(Markup.Escape(ws), Markup.Escape(state.Phase), Clock(took), rest);
            }

            IRenderable[] rows = [header, table, .. _findings.Select(f => new Markup($"[dim]{Markup.Escape(f)}[/]"))];
            return new Rows(rows);
        }
    }

    private static string Clock(TimeSpan time) => time.TotalHours >= 1 ? time.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture) : time.ToString(@"m\:ss", CultureInfo.InvariantCulture);

    private static string Money(decimal usd) => usd.ToString("$0.00", CultureInfo.InvariantCulture);

    /// <summary>Stops drawing, leaving the last frame on screen; the run's report prints after it.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        await _stop.CancelAsync();
        await _display;
    }
}
