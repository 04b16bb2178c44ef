using Orch.Adapters.Registry;
using Orch.Core.Diagnostics;
using Orch.Core.Execution;
using Orch.Core.Git;
using Orch.Core.Jobs;
using Orch.Core.Plugins;
using Orch.Core.Profiles;
using Orch.Core.Settings;
using Orch.Core.Storage;
using Orch.Core.Storage.Postgres;
using Orch.Core.Storage.Sqlite;

namespace Orch.Core.Application;

/// <summary>
/// The application layer: the use cases every host calls, grouped by what they are about. Built by
/// <see cref="OrchEngineBuilder"/>; opens the state store on first use and closes it on dispose.
/// </summary>
public sealed class OrchEngine : IAsyncDisposable
{
    private readonly Lazy<LoadResult<ProjectSettings>> _settings;
    private IStateStore? _store;
    private EngineServices? _services;
    private GitClient? _git;
    private PluginSet? _plugins;
    private AdapterRegistry? _adapters;
    private LoadResult<ProfileCatalog>? _profiles;
    private readonly List<PluginProblem> _adapterConflicts = [];

    internal OrchEngine(OrchEngineOptions options)
    {
        Options = options;
        _settings = new(() => ProjectSettings.Load(options.RepositoryRoot, Profiles.Value));
        Plans = new PlanUseCases(this);
        Jobs = new JobUseCases(this);
        Checks = new CheckUseCases(this);
        Reports = new ReportUseCases(this);
        Project = new ProjectUseCases(this);
        PluginManagement = new PluginUseCases(this);
    }

    /// <summary>The repository the engine works on.</summary>
    public string RepositoryRoot => Options.RepositoryRoot;

    /// <summary>The state database: a file, or a <c>postgres://</c> address.</summary>
    public string DatabasePath => Options.DatabasePath;

    /// <summary>The state database as messages name it: a server's address without its password.</summary>
    public string DatabaseDisplay => DatabaseAddress.Display(Options.DatabasePath);

    /// <summary>The project's settings (<c>.orch/orch.yaml</c>), loaded on first use, with every problem found.</summary>
    public LoadResult<ProjectSettings> Settings => _settings.Value;

    /// <summary>Plans of workstreams: describe, run, resume, clean up.</summary>
    public PlanUseCases Plans { get; }

    /// <summary>Single jobs: run now, queue, work the queue, list.</summary>
    public JobUseCases Jobs { get; }

    /// <summary>STATIC and RUNTIME outside a plan: the checks <c>dotnet build</c> and <c>dotnet test</c> call.</summary>
    public CheckUseCases Checks { get; }

    /// <summary>Read-only views: status, events, costs.</summary>
    public ReportUseCases Reports { get; }

    /// <summary>The repository's set-up: bootstrap, profiles, tools, formats, legacy imports.</summary>
    public ProjectUseCases Project { get; }

    /// <summary>The repository's plugins: add, list, remove, restore.</summary>
    public PluginUseCases PluginManagement { get; }

    internal OrchEngineOptions Options { get; }

    /// <summary>The repository's plugins (<c>.orch/plugins.lock</c>), loaded on first use; unloaded when the engine is disposed.</summary>
    public PluginSet Plugins
    {
        get
        {
            if (_plugins is null)
            {
                _plugins = Options.LoadPlugins ? PluginLoader.LoadFor(RepositoryRoot) : PluginSet.Empty;
                foreach (var problem in _plugins.Problems)
                {
                    Options.OnPluginProblem?.Invoke(problem);
                }
            }

            return _plugins;
        }
    }

    /// <summary>Plugins that did not load, and plugin adapters left out because their name was taken, each with the reason.</summary>
    public IReadOnlyList<PluginProblem> PluginProblems
    {
        get
        {
            _ = Adapters;
            return [.. Plugins.Problems, .. _adapterConflicts];
        }
    }

    /// <summary>The built-in adapters (or the host's), then each plugin's whose name is free.</summary>
    internal AdapterRegistry Adapters => _adapters ??= MergeAdapters();

    /// <summary>The built-in profiles and the plugins', with <c>extends</c> resolved.</summary>
    public LoadResult<ProfileCatalog> Profiles => _profiles ??= Plugins.Plugins.Count == 0
        ? ProfileCatalog.LoadBuiltIn()
        : ProfileCatalog.Load([ProfileCatalog.BuiltInSource, .. Plugins.ProfileSources]);

    private AdapterRegistry MergeAdapters()
    {
        var adapters = (Options.Adapters ?? AdapterRegistry.CreateDefault()).Adapters.ToList();
        foreach (var plugin in Plugins.Plugins)
        {
            foreach (var adapter in plugin.Adapters)
            {
                if (adapters.Any(a => string.Equals(a.Name, adapter.Name, StringComparison.OrdinalIgnoreCase)))
                {
                    _adapterConflicts.Add(new PluginProblem(plugin.Id, plugin.Version,
                        $"its adapter '{adapter.Name}' was left out: another adapter has that name"));
                    continue;
                }

                adapters.Add(adapter);
            }
        }

        foreach (var problem in _adapterConflicts)
        {
            Options.OnPluginProblem?.Invoke(problem);
        }

        return new AdapterRegistry(adapters);
    }

    internal TimeProvider Time => Options.Time;

    internal GitClient Git => _git ??= new GitClient(Options.Time);

    /// <summary>The repository root that holds <paramref name="path"/> (a file or folder): the nearest folder with .git, else the folder itself.</summary>
    public static string FindRepositoryRoot(string path)
    {
        var full = Path.GetFullPath(path);
        return RepositoryPaths.FindRoot(Directory.Exists(full) ? full : Path.GetDirectoryName(full)!);
    }

    /// <summary>The SQLite file, while this engine has not opened it; <see langword="null"/> for PostgreSQL or once the store is open.</summary>
    internal string? UnopenedSqlitePath => _store is null && !PostgresStateStore.IsAddress(Options.DatabasePath) ? Options.DatabasePath : null;

    /// <summary>True when the state database exists (or is open); read-only views check it so they never create one.</summary>
    // A folder counts, so that opening it says what is wrong instead of a report of nothing.
    internal bool HasDatabase => _store is not null || PostgresStateStore.IsAddress(Options.DatabasePath) || Path.Exists(Options.DatabasePath);

    internal async Task<IStateStore> StoreAsync(CancellationToken cancellationToken) =>
        _store ??= PostgresStateStore.IsAddress(Options.DatabasePath)
            ? await PostgresStateStore.OpenAsync(Options.DatabasePath, Options.Time, Options.ReadOnly, cancellationToken)
            : Options.ReadOnly
                ? await SqliteStateStore.OpenReadOnlyAsync(Options.DatabasePath, Options.Time, cancellationToken)
                : await SqliteStateStore.OpenAsync(Options.DatabasePath, Options.Time, cancellationToken);

    /// <summary>The store, for a use case that only reads it: opened with the lighter check, unless something opened it already.</summary>
    internal async Task<IStateStore> ReadStoreAsync(CancellationToken cancellationToken) =>
        _store ??= PostgresStateStore.IsAddress(Options.DatabasePath) ? await StoreAsync(cancellationToken) : Options.ReadOnly
            ? await SqliteStateStore.OpenReadOnlyAsync(Options.DatabasePath, Options.Time, cancellationToken)
            : await SqliteStateStore.OpenForReadingAsync(Options.DatabasePath, Options.Time, cancellationToken);

    /// <summary>Composes store, bus, pipelines, executor and lifecycle for the project's settings (the defaults when they do not load), once.</summary>
    internal async Task<EngineServices> ServicesAsync(CancellationToken cancellationToken) =>
        _services ??= EngineServices.Compose(await StoreAsync(cancellationToken), Settings.Value ?? ProjectSettings.Empty, Options.Time, Adapters,
            Options.Sinks, Options.OnToolOutput, Git, Supervisor);

    // One per engine, made at its first queued job: the process that starts the worker's jobs and outlives it to record their exits.
    internal JobSupervisorClient? Supervisor =>
        _supervisor ??= Options.JobSupervisor is { } command && OperatingSystem.IsLinux() && SpawnedChild.IsSupported ? new JobSupervisorClient(command) : null;

    private JobSupervisorClient? _supervisor;

    public async ValueTask DisposeAsync()
    {
        if (_supervisor is not null)
        {
            await _supervisor.DisposeAsync();
        }

        _git?.Dispose();
        foreach (var sink in Options.Sinks.OfType<IDisposable>())
        {
            sink.Dispose();
        }

        if (_store is not null)
        {
            await _store.DisposeAsync();
        }

        _plugins?.Dispose();
    }
}
