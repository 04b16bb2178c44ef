using Orch.Core.Diagnostics;
using Orch.Core.Git;
using Orch.Core.Jobs;
using Orch.Core.Settings;
using Orch.Core.Storage;
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

    internal OrchEngine(OrchEngineOptions options)
    {
        Options = options;
        _settings = new(() => ProjectSettings.Load(options.RepositoryRoot));
        Plans = new PlanUseCases(this);
        Jobs = new JobUseCases(this);
        Checks = new CheckUseCases(this);
        Reports = new ReportUseCases(this);
        Project = new ProjectUseCases(this);
    }

    /// <summary>The repository the engine works on.</summary>
    public string RepositoryRoot => Options.RepositoryRoot;

    /// <summary>The state database.</summary>
    public string DatabasePath => Options.DatabasePath;

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

    internal OrchEngineOptions Options { get; }

    internal TimeProvider Time => Options.Time;

    internal GitClient Git => _git ??= new GitClient(Options.Time);

    /// <summary>The repository root that holds <paramref name="path"/> (a file or folder): the nearest folder with .git, else the folder itself.</summary>
    public static string FindRepositoryRoot(string path)
    {
        var full = Path.GetFullPath(path);
        return RepositoryPaths.FindRoot(Directory.Exists(full) ? full : Path.GetDirectoryName(full)!);
    }

    /// <summary>True when the state database exists (or is open); read-only views check it so they never create one.</summary>
    internal bool HasDatabase => _store is not null || File.Exists(Options.DatabasePath);

    internal async Task<IStateStore> StoreAsync(CancellationToken cancellationToken) =>
        _store ??= await SqliteStateStore.OpenAsync(Options.DatabasePath, Options.Time, cancellationToken);

    /// <summary>The store, for a use case that only reads it: opened with the lighter check, unless something opened it already.</summary>
    internal async Task<IStateStore> ReadStoreAsync(CancellationToken cancellationToken) =>
        _store ??= await SqliteStateStore.OpenForReadingAsync(Options.DatabasePath, Options.Time, cancellationToken);

    /// <summary>Composes store, bus, pipelines, executor and lifecycle for the project's settings (the defaults when they do not load), once.</summary>
    internal async Task<EngineServices> ServicesAsync(CancellationToken cancellationToken) =>
        _services ??= EngineServices.Compose(await StoreAsync(cancellationToken), Settings.Value ?? ProjectSettings.Empty, Options.Time, Options.Adapters,
            Options.Sinks, Options.OnToolOutput, Git);

    public async ValueTask DisposeAsync()
    {
        _git?.Dispose();
        foreach (var sink in Options.Sinks.OfType<IDisposable>())
        {
            sink.Dispose();
        }

        if (_store is not null)
        {
            await _store.DisposeAsync();
        }
    }
}
