using System.Reflection;
using Orch.Abstractions.Profiles;

namespace Orch.Core.Profiles;

/// <summary>Profiles embedded in an assembly as resources under <c>profiles/</c>: Orch's built-in ones.</summary>
public sealed class EmbeddedProfileSource(Assembly assembly, string name) : IProfileSource
{
    public string Name => name;

    public IReadOnlyList<ProfileDocument> GetProfiles() => assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith("profiles/", StringComparison.Ordinal))
        .Order(StringComparer.Ordinal)
        .Select(n =>
        {
            using var reader = new StreamReader(assembly.GetManifestResourceStream(n)!);
            return new ProfileDocument(n, reader.ReadToEnd());
        })
        .ToList();
}
