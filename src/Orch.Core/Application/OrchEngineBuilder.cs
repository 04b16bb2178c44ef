using Orch.Abstractions.Events;
using Orch.Adapters.Registry;
using Orch.Core.Events;

namespace Orch.Core.Application;

/// <summary>
/// Composes the engine for one repository: its settings, the state store, the adapters, the event sinks and the clock.
/// Every host (CLI, dashboard, workers, the commands MSBuild runs) builds its engine here and calls only the use cases.
/// </summary>
public sealed class OrchEngineBuilder
{
    private readonly List<IEventSink> _sinks = [];
    private string? _repositoryRoot;
    private string? _databasePath;
    private TimeProvider _time = TimeProvider.System;
    private AdapterRegistry? _adapters;
    private Action<string, string>? _onToolOutput;
    private bool _loadPlugins = true;
    private bool _readOnly;
    private IReadOnlyList<string>? _jobSupervisor;
    private Action<Plugins.PluginProblem>? _onPluginProblem;

    /// <summary>The repository the engine works on. Required.</summary>
    public OrchEngineBuilder ForRepository(string root)
    {
        _repositoryRoot = Path.GetFullPath(root);
        return this;
    }

    /// <summary>The state database. The default value is <c>.orch/state.db</c> under the repository.</summary>
    public OrchEngineBuilder UseDatabase(string? path)
    {
        _databasePath = string.IsNullOrEmpty(path) ? null : DatabaseAddress.IsServer(path) ? path : Path.GetFullPath(path);
        return this;
    }

    /// <summary>The clock for timestamps, backoff, breakers and timeouts. The default value is <see cref="TimeProvider.System"/>.</summary>
    public OrchEngineBuilder UseTimeProvider(TimeProvider time)
    {
        _time = time;
        return this;
    }

    /// <summary>The tool adapters. The default value is the built-in set.</summary>
    public OrchEngineBuilder UseAdapters(AdapterRegistry adapters)
    {
        _adapters = adapters;
        return this;
    }

    /// <summary>Adds a sink that sees every event live (console, JSONL export, dashboard).</summary>
    public OrchEngineBuilder AddEventSink(IEventSink sink)
    {
        _sinks.Add(sink);
        return this;
    }

    /// <summary>Also appends every event to <paramref name="path"/> as JSON lines (the shape of <c>events --format json</c>).</summary>
    public OrchEngineBuilder ExportEventsTo(string path)
    {
        _sinks.Add(new JsonlEventSink(path));
        return this;
    }

    /// <summary>Is told each redacted output line of every job, with its job id, for hosts that show output live.</summary>
    public OrchEngineBuilder OnToolOutput(Action<string, string>? onOutput)
    {
        _onToolOutput = onOutput;
        return this;
    }

    /// <summary>Whether the repository's plugins (<c>.orch/plugins.lock</c>) load. The default value is <see langword="true"/>.</summary>
    public OrchEngineBuilder UsePlugins(bool load)
    {
        _loadPlugins = load;
        return this;
    }

    /// <summary>Is told of each plugin that does not load, or whose adapter is left out, when the plugins first load.</summary>
    public OrchEngineBuilder OnPluginProblem(Action<Plugins.PluginProblem>? onProblem)
    {
        _onPluginProblem = onProblem;
        return this;
    }

    /// <summary>
    /// Opens the state database with a read-only connection, for hosts that only show state (the dashboard). Use cases
    /// that write fail; the default value is <see langword="false"/>.
    /// </summary>
    public OrchEngineBuilder ReadOnly(bool readOnly = true)
    {
        _readOnly = readOnly;
        return this;
    }

    /// <summary>
    /// How to start this Orch's executable, so that workers run their jobs under a job supervisor (<see cref="Execution.JobSupervisor"/>)
    /// instead of a shell around each job: about half a millisecond less per job, with the same promise after a crash. Only
    /// a host that is Orch's executable can give it; the default value is <see langword="null"/> (a shell around each job).
    /// </summary>
    public OrchEngineBuilder UseJobSupervisor(IReadOnlyList<string>? command)
    {
        _jobSupervisor = command;
        return this;
    }

    public OrchEngine Build()
    {
        var root = _repositoryRoot ?? throw new InvalidOperationException("ForRepository must be called before Build.");
        return new OrchEngine(new OrchEngineOptions(root, _databasePath ?? Path.Combine(root, ".orch", "state.db"), _time,
            _adapters, _sinks.ToList(), _onToolOutput) { LoadPlugins = _loadPlugins, OnPluginProblem = _onPluginProblem, ReadOnly = _readOnly,
            JobSupervisor = _jobSupervisor });
    }
}
