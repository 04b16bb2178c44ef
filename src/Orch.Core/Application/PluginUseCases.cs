using Orch.Core.Plugins;

namespace Orch.Core.Application;

/// <summary>The repository's plugins: <c>plugin add</c>, <c>list</c>, <c>remove</c> and <c>restore</c>.</summary>
public sealed class PluginUseCases
{
    private readonly OrchEngine _engine;

    internal PluginUseCases(OrchEngine engine) => _engine = engine;

    /// <summary>Installs a plugin package and its dependencies from NuGet, and records them in <c>.orch/plugins.lock</c>.</summary>
    /// <param name="source">A feed to use instead of nuget.config's; <see langword="null"/> for nuget.config's.</param>
    public async Task<PluginInstallResult> AddAsync(string packageId, string? version, string? source, CancellationToken cancellationToken)
    {
        using var installer = new PluginInstaller(_engine.RepositoryRoot, source);
        return await installer.AddAsync(packageId, version, cancellationToken);
    }

    /// <summary>Installs exactly what the lock holds, refusing any package whose bytes changed.</summary>
    public async Task<IReadOnlyList<PluginInstallResult>> RestoreAsync(string? source, CancellationToken cancellationToken)
    {
        using var installer = new PluginInstaller(_engine.RepositoryRoot, source);
        return await installer.RestoreAsync(cancellationToken);
    }

    /// <summary>Removes a plugin from the lock and its files; false when the lock does not name it.</summary>
    public (bool Removed, string? Error) Remove(string packageId)
    {
        using var installer = new PluginInstaller(_engine.RepositoryRoot, null);
        return installer.Remove(packageId);
    }

    /// <summary>The lock's plugins, each with what it loaded as or why it did not.</summary>
    public PluginListing List()
    {
        var (locked, error) = PluginLock.Read(_engine.RepositoryRoot);
        return new PluginListing(locked?.Plugins ?? [], _engine.Plugins.Plugins, _engine.PluginProblems, error);
    }
}

/// <summary>What <c>plugin list</c> shows: the lock, what loaded, and what did not.</summary>
public sealed record PluginListing(IReadOnlyList<LockedPlugin> Locked, IReadOnlyList<LoadedPlugin> Loaded, IReadOnlyList<PluginProblem> Problems, string? LockError);
