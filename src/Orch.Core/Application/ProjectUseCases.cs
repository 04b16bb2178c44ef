using Orch.Core.Bootstrap;
using Orch.Core.Diagnostics;
using Orch.Core.Execution;
using Orch.Core.Migration;
using Orch.Core.Profiles;
using Orch.Core.Schemas;
using Orch.Core.Secrets;
using Orch.Core.Settings;
using Orch.Core.Translation;

namespace Orch.Core.Application;

/// <summary>The repository's set-up: <c>bootstrap</c>, <c>profiles</c>, <c>tools</c>, <c>validate</c>, <c>convert</c>, <c>import-config</c>, <c>migrate</c>.</summary>
public sealed class ProjectUseCases
{
    private readonly OrchEngine _engine;

    internal ProjectUseCases(OrchEngine engine) => _engine = engine;

    /// <summary>The profiles Orch knows (built-in and the plugins'), with <c>extends</c> resolved, and any problem in them.</summary>
    public LoadResult<ProfileCatalog> Profiles() => _engine.Profiles;

    /// <summary>Discovers the repository, picks a profile with its reason, and writes settings and a starter workstream unless that would replace the user's edits.</summary>
    /// <param name="profile">A profile to use whatever the discovery finds (a plugin's, say); <see langword="null"/> to let it choose.</param>
    public BootstrapResult Bootstrap(bool force, bool dryRun, string? profile = null)
    {
        var catalog = _engine.Profiles.Value is null ? ProfileCatalog.LoadBuiltIn() : _engine.Profiles;
        var root = _engine.RepositoryRoot;
        var discovery = new RepositoryDiscovery(new MsBuildProjectEvaluator(), _engine.Time).Discover(root);
        var selection = ProfileSelector.Select(discovery, catalog.Value!);
        if (profile is not null)
        {
            selection = selection with { Profile = profile, Reason = $"chosen with --profile ({catalog.Value!.Find(profile)?.Origin ?? "unknown"})" };
        }
        var artifacts = BootstrapArtifacts.Plan(root, discovery, selection, catalog.Value!.Find(selection.Profile)!);
        var write = !dryRun && (force || !artifacts.Any(a => a.WouldOverwrite));
        if (write)
        {
            BootstrapArtifacts.Write(root, artifacts);
        }

        return new BootstrapResult(catalog.Diagnostics, discovery, selection, artifacts, write);
    }

    /// <summary>Every adapter, probed for whether its tool is installed and which version.</summary>
    public async Task<IReadOnlyList<ToolStatus>> ToolsAsync(CancellationToken cancellationToken)
    {
        var launcher = new ProcessRunner(null, SecretRedactor.FromEnvironment(), _engine.Time);
        var adapters = _engine.Adapters.Adapters.OrderBy(a => a.Name, StringComparer.Ordinal).ToList();
        var probes = await Task.WhenAll(adapters.Select(a => a.ProbeAsync(launcher, cancellationToken).AsTask()));
        return adapters.Zip(probes, (a, p) => new ToolStatus(a.Name, a.Capabilities, p)
        {
            Origin = a is Plugins.PluginAdapter plugin ? plugin.Plugin : ProfileCatalog.BuiltInOrigin,
        }).ToList();
    }

    /// <summary>Checks a file or a folder of Orch and legacy files, every problem at once.</summary>
    public IReadOnlyList<FileValidator.FileResult> Validate(string path) => FileValidator.Validate(path, _engine.RepositoryRoot);

    /// <summary>A legacy bundle, job or UET spec as commented v1 YAML.</summary>
    public static LoadResult<string> Convert(string file) => Converter.ToV1(file);

    /// <summary>Imports the legacy engines' config folder into <c>.orch/orch.yaml</c>; never replaces a different file unless forced.</summary>
    public async Task<ImportConfigResult> ImportConfigAsync(string folder, bool force, bool dryRun, CancellationToken cancellationToken)
    {
        var target = ProjectSettings.PathFor(_engine.RepositoryRoot);
        if (!Directory.Exists(folder))
        {
            return new ImportConfigResult("", target, false, [], new OrchError("ORCH1001", $"{folder} is not a folder"));
        }

        var yaml = ConfigImporter.Import(folder);
        if (dryRun)
        {
            return new ImportConfigResult(yaml, target, false, []);
        }

        if (File.Exists(target) && !force && await File.ReadAllTextAsync(target, cancellationToken) != yaml)
        {
            return new ImportConfigResult(yaml, target, false, [],
                new OrchError(null, $"{target} exists and differs from the import; nothing was written", "review it with --dry-run, then use --force to replace it."));
        }

        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        await File.WriteAllTextAsync(target, yaml, cancellationToken);
        return new ImportConfigResult(yaml, target, true, ProjectSettings.Load(_engine.RepositoryRoot).Diagnostics);
    }

    /// <summary>Imports a legacy <c>pipeline_state.db</c>, read-only and idempotently.</summary>
    public async Task<MigrateResult> MigrateAsync(string source, CancellationToken cancellationToken)
    {
        var full = Path.GetFullPath(source);
        if (await LegacyStateImporter.CheckSourceAsync(source, cancellationToken) is { } problem)
        {
            return new MigrateResult(full, null, new OrchError("ORCH2003", problem,
                "give the pipeline_state.db of the legacy pipeline (its DDL is schema.sql); Orch's own state.db is not one."));
        }

        if (full == _engine.DatabasePath)
        {
            return new MigrateResult(full, null, new OrchError("ORCH2003", "the source is Orch's own state database"));
        }

        var batch = await LegacyStateImporter.ReadAsync(source, _engine.Time, cancellationToken);
        var store = await _engine.StoreAsync(cancellationToken);
        return new MigrateResult(full, await store.ImportLegacyAsync(batch, cancellationToken));
    }
}
