using System.Runtime.InteropServices;
using System.Security.Cryptography;
using NuGet.Common;
using NuGet.Configuration;
using NuGet.Frameworks;
using NuGet.Packaging;
using NuGet.Packaging.Signing;
using NuGet.Protocol;
using NuGet.Protocol.Core.Types;
using NuGet.Versioning;

namespace Orch.Core.Plugins;

/// <summary>
/// Installs plugins from NuGet feeds the way the .NET tools do: sources, credentials and <c>packageSourceMapping</c> from
/// the repository's <c>nuget.config</c> chain; the plugin's dependencies resolved for this framework (the lowest version
/// each range allows, as NuGet does); signatures checked against NuGet's client policy; every package's SHA-512
/// recorded in <c>.orch/plugins.lock</c>, and checked again on <c>restore</c>.
/// </summary>
public sealed class PluginInstaller : IDisposable
{
    private static readonly NuGetFramework Framework = NuGetFramework.Parse("net10.0");
    private readonly string _root;
    private readonly ISettings _settings;
    private readonly IReadOnlyList<PackageSource> _sources;
    private readonly PackageSource? _extraSource;
    private readonly SourceCacheContext _cache = new() { NoCache = true, DirectDownload = true };
    private readonly ILogger _log = NullLogger.Instance;
    private readonly Dictionary<string, FindPackageByIdResource> _resources = new(StringComparer.Ordinal);

    /// <param name="repositoryRoot">The repository: its nuget.config chain applies, and the plugins go under its <c>.orch/</c>.</param>
    /// <param name="source">A feed (URL or folder) searched first for every package, besides nuget.config's; <see langword="null"/> for none.</param>
    public PluginInstaller(string repositoryRoot, string? source)
    {
        _root = repositoryRoot;
        _settings = NuGet.Configuration.Settings.LoadDefaultSettings(repositoryRoot);
        _extraSource = source is null ? null
            : new PackageSource(Uri.TryCreate(source, UriKind.Absolute, out var uri) && !uri.IsFile ? source : Path.GetFullPath(source), "--source");
        _sources = new PackageSourceProvider(_settings).LoadPackageSources().Where(s => s.IsEnabled).ToList();
    }

    public void Dispose() => _cache.Dispose();

    /// <summary>Resolves, downloads, checks and extracts <paramref name="packageId"/>, then records it in the lock.</summary>
    public async Task<PluginInstallResult> AddAsync(string packageId, string? version, CancellationToken cancellationToken)
    {
        try
        {
            var (found, foundVersion, error) = await FindRootAsync(packageId, version, cancellationToken);
            if (error is not null)
            {
                return PluginInstallResult.Failed(error);
            }

            var graph = new Dictionary<string, (string Id, NuGetVersion Version)>(StringComparer.OrdinalIgnoreCase);
            var walk = await WalkAsync(found!, foundVersion!, graph, cancellationToken);
            if (walk is not null)
            {
                return PluginInstallResult.Failed(walk);
            }

            var downloads = new List<(string Id, NuGetVersion Version, byte[] Bytes)>();
            foreach (var (id, packageVersion) in graph.Values)
            {
                var (bytes, downloadError) = await DownloadAsync(id, packageVersion, cancellationToken);
                if (bytes is null)
                {
                    return PluginInstallResult.Failed(downloadError!);
                }

                downloads.Add((id, packageVersion, bytes));
            }

            var (plugin, installError) = await InstallAsync(found!, foundVersion!.ToNormalizedString(), downloads, cancellationToken);
            if (plugin is null)
            {
                return PluginInstallResult.Failed(installError!);
            }

            var (current, lockError) = PluginLock.Read(_root);
            if (current is null)
            {
                return PluginInstallResult.Failed(lockError!);
            }

            var previous = current.Find(plugin.Id);
            current.With(plugin).Write(_root);
            if (previous is not null && previous.Version != plugin.Version)
            {
                TryDelete(PluginLock.FolderFor(_root, previous.Id, previous.Version));
            }

            return new PluginInstallResult(plugin, null);
        }
        catch (Exception ex) when (IsFeedFailure(ex))
        {
            return PluginInstallResult.Failed(Describe(ex));
        }
    }

    /// <summary>Installs exactly what the lock holds; a package whose SHA-512 differs from the lock is refused, by name.</summary>
    public async Task<IReadOnlyList<PluginInstallResult>> RestoreAsync(CancellationToken cancellationToken)
    {
        var (current, lockError) = PluginLock.Read(_root);
        if (current is null)
        {
            return [PluginInstallResult.Failed(lockError!)];
        }

        var results = new List<PluginInstallResult>();
        foreach (var locked in current.Plugins)
        {
            results.Add(await RestoreOneAsync(locked, cancellationToken));
        }

        return results;
    }

    private async Task<PluginInstallResult> RestoreOneAsync(LockedPlugin locked, CancellationToken cancellationToken)
    {
        try
        {
            var downloads = new List<(string Id, NuGetVersion Version, byte[] Bytes)>();
            foreach (var package in locked.Packages)
            {
                var version = NuGetVersion.Parse(package.Version);
                var (bytes, error) = await DownloadAsync(package.Id, version, cancellationToken);
                if (bytes is null)
                {
                    return PluginInstallResult.Failed(error!, locked.Id);
                }

                var hash = Sha512(bytes);
                if (!string.Equals(hash, package.Sha512, StringComparison.Ordinal))
                {
                    return PluginInstallResult.Failed(
                        $"{package.Id} {package.Version} (for plugin {locked.Id}) does not match plugins.lock: its SHA-512 is {hash}, the lock says " +
                        $"{package.Sha512}. The package changed after it was locked; nothing of {locked.Id} was installed. If the change is " +
                        $"expected, run `dotnet orch plugin add {locked.Id} --version {locked.Version}` to lock the new bytes", locked.Id);
                }

                downloads.Add((package.Id, version, bytes));
            }

            var (plugin, installError) = await InstallAsync(locked.Id, locked.Version, downloads, cancellationToken);
            return plugin is null ? PluginInstallResult.Failed(installError!, locked.Id) : new PluginInstallResult(plugin, null);
        }
        catch (Exception ex) when (IsFeedFailure(ex))
        {
            return PluginInstallResult.Failed(Describe(ex), locked.Id);
        }
    }

    /// <summary>Removes a plugin from the lock and its files; false when the lock does not name it.</summary>
    public (bool Removed, string? Error) Remove(string packageId)
    {
        var (current, error) = PluginLock.Read(_root);
        if (current is null)
        {
            return (false, error);
        }

        if (current.Find(packageId) is not { } plugin)
        {
            return (false, null);
        }

        current.Without(plugin.Id).Write(_root);
        TryDelete(Path.GetDirectoryName(PluginLock.FolderFor(_root, plugin.Id, plugin.Version))!);
        return (true, null);
    }

    private async Task<(string? Id, NuGetVersion? Version, string? Error)> FindRootAsync(string packageId, string? version, CancellationToken cancellationToken)
    {
        if (!PluginLock.IsPackageId(packageId))
        {
            return (null, null, $"'{packageId}' is not a NuGet package id (letters, digits, '.', '_' and '-', such as Acme.Orch.Lint)");
        }

        NuGetVersion? wanted = null;
        if (version is not null && !NuGetVersion.TryParse(version, out wanted))
        {
            return (null, null, $"--version '{version}' is not a NuGet version (for example 1.2.0 or 2.0.0-beta.1)");
        }

        var versions = await VersionsAsync(packageId, cancellationToken);
        if (versions.Count == 0)
        {
            return (null, null, $"no package '{packageId}' was found in {SourceNames(packageId)}; check the id, or give the feed with --source");
        }

        if (wanted is not null)
        {
            return versions.Contains(wanted)
                ? (packageId, wanted, null)
                : (null, null, $"{packageId} has no version {wanted} in {SourceNames(packageId)}; it has {string.Join(", ", versions.OrderDescending().Take(5))}");
        }

        var latest = versions.Where(v => !v.IsPrerelease).DefaultIfEmpty(versions.Max()!).Max()!;
        return (packageId, latest, null);
    }

    /// <summary>Adds <paramref name="id"/> and what it depends on for net10.0 to <paramref name="graph"/>; a higher version needed elsewhere wins.</summary>
    private async Task<string?> WalkAsync(string id, NuGetVersion version, Dictionary<string, (string Id, NuGetVersion Version)> graph, CancellationToken cancellationToken)
    {
        if (graph.TryGetValue(id, out var known) && known.Version >= version)
        {
            return null;
        }

        graph[id] = (id, version);
        var info = await DependencyInfoAsync(id, version, cancellationToken);
        if (info is null)
        {
            return $"{id} {version} could not be read from {SourceNames(id)}";
        }

        var group = NuGetFrameworkUtility.GetNearest(info.DependencyGroups, Framework, g => g.TargetFramework);
        foreach (var dependency in group?.Packages ?? [])
        {
            if (string.Equals(dependency.Id, PluginLoadContext.SharedContract, StringComparison.OrdinalIgnoreCase))
            {
                var host = new NuGetVersion(typeof(Abstractions.Adapters.IToolAdapter).Assembly.GetName().Version!.ToString(3));
                if (!dependency.VersionRange.Satisfies(host))
                {
                    return $"{id} {version} needs Orch.Abstractions {dependency.VersionRange.PrettyPrint()}, and this Orch provides {host}; " +
                        $"install a version of {id} built for Orch.Abstractions {host.Major}.x";
                }

                continue; // Shared with Orch, never installed beside the plugin.
            }

            var versions = await VersionsAsync(dependency.Id, cancellationToken);
            var best = dependency.VersionRange.FindBestMatch(versions);
            if (best is null)
            {
                return $"{id} {version} needs {dependency.Id} {dependency.VersionRange.PrettyPrint()}, and no such version is in {SourceNames(dependency.Id)}";
            }

            if (await WalkAsync(dependency.Id, best, graph, cancellationToken) is { } error)
            {
                return error;
            }
        }

        return null;
    }

    private async Task<(LockedPlugin? Plugin, string? Error)> InstallAsync(string id, string version,
        IReadOnlyList<(string Id, NuGetVersion Version, byte[] Bytes)> packages, CancellationToken cancellationToken)
    {
        var folder = PluginLock.FolderFor(_root, id, version);
        var staging = folder + ".partial";
        TryDelete(staging);
        Directory.CreateDirectory(staging);
        var own = new List<string>();
        var locked = new List<LockedPackage>();
        var client = ClientPolicyContext.GetClientPolicy(_settings, _log);
        var policy = client.VerifierSettings;
        var verifier = new PackageSignatureVerifier(
        [
            new IntegrityVerificationProvider(),
            new SignatureTrustAndValidityVerificationProvider(),
            new AllowListVerificationProvider(client.AllowList, requireNonEmptyAllowList: client.Policy == SignatureValidationMode.Require),
        ]);
        // Dependencies first, the plugin's own package last: its files win a name clash.
        foreach (var (packageId, packageVersion, bytes) in packages.OrderBy(p => string.Equals(p.Id, id, StringComparison.OrdinalIgnoreCase)))
        {
            using var reader = new PackageArchiveReader(new MemoryStream(bytes, writable: false));
            var verified = await verifier.VerifySignaturesAsync(reader, policy, cancellationToken);
            if (!verified.IsValid)
            {
                var issues = verified.Results.SelectMany(r => r.GetErrorIssues()).Select(i => i.Message).DefaultIfEmpty("its signature is not valid");
                TryDelete(staging);
                return (null, $"{packageId} {packageVersion} fails NuGet's signature policy (signatureValidationMode in nuget.config): {string.Join("; ", issues)}");
            }

            var files = Extract(reader, staging);
            if (string.Equals(packageId, id, StringComparison.OrdinalIgnoreCase))
            {
                own.AddRange(files.Where(f => f.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)));
            }

            locked.Add(new LockedPackage(reader.GetIdentity().Id, packageVersion.ToNormalizedString(), Sha512(bytes)));
        }

        if (own.Count == 0)
        {
            TryDelete(staging);
            return (null, $"{id} {version} holds no assembly for {Framework.GetShortFolderName()} (lib/net10.0 or an older compatible lib/ folder); it is not an Orch plugin");
        }

        TryDelete(folder);
        Directory.Move(staging, folder);
        return (new LockedPlugin(packages.First(p => string.Equals(p.Id, id, StringComparison.OrdinalIgnoreCase)).Id, version,
            own.Order(StringComparer.Ordinal).ToList(), locked.OrderBy(p => p.Id, StringComparer.OrdinalIgnoreCase).ToList()), null);
    }

    /// <summary>Copies the package's assemblies for this framework, and its native libraries for this platform, into one folder.</summary>
    private static List<string> Extract(PackageArchiveReader reader, string folder)
    {
        var written = new List<string>();
        var lib = NuGetFrameworkUtility.GetNearest(reader.GetLibItems(), Framework, g => g.TargetFramework);
        var files = (lib?.Items ?? []).ToList();
        var rids = RuntimeFallbacks();
        foreach (var rid in rids.AsEnumerable().Reverse())
        {
            files.AddRange(reader.GetFiles().Where(f => f.StartsWith($"runtimes/{rid}/native/", StringComparison.OrdinalIgnoreCase)));
        }

        foreach (var file in files.Where(f => !f.EndsWith('/') && !f.EndsWith("_._", StringComparison.Ordinal)))
        {
            var name = Path.GetFileName(file);
            var target = Path.Combine(folder, name);
            using (var source = reader.GetStream(file))
            using (var destination = File.Create(target))
            {
                source.CopyTo(destination);
            }

            written.Add(name);
        }

        return written;
    }

    private static string[] RuntimeFallbacks()
    {
        var rid = RuntimeInformation.RuntimeIdentifier;
        var family = OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : "linux";
        var arch = RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
        return OperatingSystem.IsWindows() ? [rid, $"{family}-{arch}", family] : [rid, $"{family}-{arch}", family, "unix"];
    }

    /// <summary>The --source feed, then the configured sources that packageSourceMapping allows for the id.</summary>
    private IEnumerable<PackageSource> SourcesFor(string packageId)
    {
        var mapping = PackageSourceMapping.GetPackageSourceMapping(_settings);
        var allowed = mapping.IsEnabled ? mapping.GetConfiguredPackageSources(packageId) : null;
        var configured = allowed is null ? _sources : _sources.Where(s => allowed.Contains(s.Name, StringComparer.OrdinalIgnoreCase));
        return _extraSource is null ? configured : configured.Prepend(_extraSource);
    }

    private string SourceNames(string packageId) =>
        SourcesFor(packageId).Select(s => s.Source).DefaultIfEmpty("no source (packageSourceMapping maps none to this id)").Aggregate((a, b) => $"{a}, {b}");

    private async Task<List<NuGetVersion>> VersionsAsync(string packageId, CancellationToken cancellationToken)
    {
        var versions = new HashSet<NuGetVersion>();
        foreach (var source in SourcesFor(packageId))
        {
            var resource = await FindResourceAsync(source, cancellationToken);
            versions.UnionWith(await resource.GetAllVersionsAsync(packageId, _cache, _log, cancellationToken));
        }

        return versions.ToList();
    }

    private async Task<FindPackageByIdDependencyInfo?> DependencyInfoAsync(string packageId, NuGetVersion version, CancellationToken cancellationToken)
    {
        foreach (var source in SourcesFor(packageId))
        {
            var resource = await FindResourceAsync(source, cancellationToken);
            if (await resource.GetDependencyInfoAsync(packageId, version, _cache, _log, cancellationToken) is { } info)
            {
                return info;
            }
        }

        return null;
    }

    private async Task<(byte[]? Bytes, string? Error)> DownloadAsync(string packageId, NuGetVersion version, CancellationToken cancellationToken)
    {
        foreach (var source in SourcesFor(packageId))
        {
            var resource = await FindResourceAsync(source, cancellationToken);
            using var buffer = new MemoryStream();
            if (await resource.CopyNupkgToStreamAsync(packageId, version, buffer, _cache, _log, cancellationToken))
            {
                return (buffer.ToArray(), null);
            }
        }

        return (null, $"{packageId} {version} was not found in {SourceNames(packageId)}");
    }

    // One resource per feed for the whole install: each package asks for versions, dependencies and bytes.
    private async Task<FindPackageByIdResource> FindResourceAsync(PackageSource source, CancellationToken cancellationToken)
    {
        if (!_resources.TryGetValue(source.Source, out var resource))
        {
            _resources[source.Source] = resource = await Repository.Factory.GetCoreV3(source).GetResourceAsync<FindPackageByIdResource>(cancellationToken)
                ?? throw new FatalProtocolException($"{source.Source} is not a NuGet feed Orch can read");
        }

        return resource;
    }

    private static string Sha512(byte[] bytes) => Convert.ToBase64String(SHA512.HashData(bytes));

    private static bool IsFeedFailure(Exception ex) =>
        ex is FatalProtocolException or NuGetProtocolException or HttpRequestException or IOException or UnauthorizedAccessException
            or InvalidDataException or NuGet.Packaging.Core.PackagingException or System.Xml.XmlException;

    private static string Describe(Exception ex)
    {
        var messages = new List<string>();
        for (var e = ex; e is not null; e = e.InnerException)
        {
            if (!messages.Contains(e.Message))
            {
                messages.Add(e.Message);
            }
        }

        return string.Join(": ", messages) + "; check the feed (nuget.config or --source) and your access to it";
    }

    private static void TryDelete(string folder)
    {
        try
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
    }
}

/// <summary>What <c>plugin add</c> or <c>restore</c> did for one plugin: the locked entry, or why nothing was installed.</summary>
public sealed record PluginInstallResult(LockedPlugin? Plugin, string? Error, string? PluginId = null)
{
    public static PluginInstallResult Failed(string error, string? pluginId = null) => new(null, error, pluginId);
}
