using System.Text.Json;
using System.Text.Json.Serialization;

namespace Orch.Core.Plugins;

/// <summary>
/// <c>.orch/plugins.lock</c>: the plugins a repository uses, with the exact version and SHA-512 of every package each one
/// was installed from. It is meant to be committed: <c>plugin restore</c> installs exactly this, and refuses a package
/// whose bytes changed.
/// </summary>
public sealed record PluginLock
{
    public const int CurrentVersion = 1;

    [JsonPropertyName("version")]
    public int Version { get; init; } = CurrentVersion;

    [JsonPropertyName("plugins")]
    public IReadOnlyList<LockedPlugin> Plugins { get; init; } = [];

    /// <summary>The lock's path in the repository at <paramref name="repositoryRoot"/>.</summary>
    public static string PathFor(string repositoryRoot) => Path.Combine(repositoryRoot, ".orch", "plugins.lock");

    /// <summary>Where a plugin's files are extracted; not committed, remade by <c>plugin restore</c>.</summary>
    public static string FolderFor(string repositoryRoot, string id, string version) =>
        Path.Combine(repositoryRoot, ".orch", "plugins", id.ToLowerInvariant(), version.ToLowerInvariant());

    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        // The lock is read in reviews: "+" stays "+" in a hash.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectRequiredConstructorParameters = true,
    };

    /// <summary>The lock, an empty one when there is no file, or a message naming the file, line and problem.</summary>
    public static (PluginLock? Lock, string? Error) Read(string repositoryRoot)
    {
        var path = PathFor(repositoryRoot);
        if (!File.Exists(path))
        {
            return (new PluginLock(), null);
        }

        try
        {
            var read = JsonSerializer.Deserialize<PluginLock>(File.ReadAllText(path), Options);
            if (read is null || read.Version != CurrentVersion)
            {
                return (null, $"{path}: lock version {read?.Version} is not {CurrentVersion}; update Orch, or remove the file and add the plugins again");
            }

            // Ids and versions become folder names: a lock must not point Orch outside .orch/plugins.
            var bad = read.Plugins.SelectMany(p => p.Packages.Select(k => (k.Id, k.Version)).Prepend((p.Id, p.Version)))
                .FirstOrDefault(p => !IsPackageId(p.Id) || !NuGet.Versioning.NuGetVersion.TryParse(p.Version, out _));
            if (bad != default)
            {
                return (null, $"{path}: '{bad.Id}' '{bad.Version}' is not a NuGet package id and version; fix the file, or remove it and add the plugins again");
            }

            return (read, null);
        }
        catch (JsonException ex)
        {
            return (null, $"{path}({(ex.LineNumber ?? 0) + 1}): {ex.Message}; fix the file, or remove it and add the plugins again");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return (null, $"{path}: {ex.Message}");
        }
    }

    /// <summary>Writes the lock through a temporary file, so a crash never leaves half a lock.</summary>
    public void Write(string repositoryRoot)
    {
        var path = PathFor(repositoryRoot);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var sorted = this with { Plugins = Plugins.OrderBy(p => p.Id, StringComparer.OrdinalIgnoreCase).ToList() };
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(sorted, Options) + "\n");
        File.Move(temporary, path, overwrite: true);
    }

    public PluginLock With(LockedPlugin plugin) =>
        this with { Plugins = [.. Plugins.Where(p => !p.Id.Equals(plugin.Id, StringComparison.OrdinalIgnoreCase)), plugin] };

    public PluginLock Without(string id) =>
        this with { Plugins = Plugins.Where(p => !p.Id.Equals(id, StringComparison.OrdinalIgnoreCase)).ToList() };

    /// <summary>True for what NuGet accepts as a package id (letters, digits, '.', '_' and '-'), so it is safe as a folder name.</summary>
    public static bool IsPackageId(string id) => NuGet.Packaging.PackageIdValidator.IsValidPackageId(id);

    public LockedPlugin? Find(string id) => Plugins.FirstOrDefault(p => p.Id.Equals(id, StringComparison.OrdinalIgnoreCase));
}

/// <summary>One plugin in the lock: its package, the assemblies Orch loads from it, and every package it was made from.</summary>
public sealed record LockedPlugin(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("assemblies")] IReadOnlyList<string> Assemblies,
    [property: JsonPropertyName("packages")] IReadOnlyList<LockedPackage> Packages);

/// <summary>A package exactly: id, version, and the SHA-512 of the .nupkg as the feed served it (base64, as NuGet writes it).</summary>
public sealed record LockedPackage(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("sha512")] string Sha512);
