using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Orch.Core.Plugins;

/// <summary>What a plugin assembly references, read from its metadata without loading it.</summary>
internal static class PluginReferences
{
    /// <summary>The assembly's references, or the reason it is not a .NET assembly Orch can read.</summary>
    public static (IReadOnlyList<AssemblyName> References, string? Problem) Read(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            using var pe = new PEReader(stream);
            if (!pe.HasMetadata)
            {
                return ([], $"{Path.GetFileName(path)} is not a .NET assembly");
            }

            var metadata = pe.GetMetadataReader();
            return (metadata.AssemblyReferences.Select(h => metadata.GetAssemblyReference(h).GetAssemblyName()).ToList(), null);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or BadImageFormatException)
        {
            return ([], $"{Path.GetFileName(path)} could not be read: {ex.Message}");
        }
    }

    /// <summary>True when the running framework supplies the assembly (the trusted platform assemblies).</summary>
    public static bool IsFramework(AssemblyName name) => Framework.Value.Contains(name.Name ?? "");

    private static readonly Lazy<HashSet<string>> Framework = new(() =>
        ((AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string) ?? "")
        .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Where(p => p.Contains($"{Path.DirectorySeparatorChar}shared{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
        .Select(Path.GetFileNameWithoutExtension)
        .OfType<string>()
        .ToHashSet(StringComparer.OrdinalIgnoreCase));
}
