using Orch.Abstractions.Diagnostics;
using Orch.Abstractions.Profiles;
using Orch.Core.Diagnostics;
using Orch.Core.Documents;
using Orch.Core.Planning;
using YamlDotNet.RepresentationModel;

namespace Orch.Core.Profiles;

/// <summary>The built-in profiles (profiles/*.yaml, embedded), with <c>extends</c> resolved: a child's fields win, routing merges per capability.</summary>
public sealed class ProfileCatalog
{
    private readonly Dictionary<string, Profile> _profiles;

    private ProfileCatalog(Dictionary<string, Profile> profiles) => _profiles = profiles;

    public IReadOnlyCollection<Profile> All => _profiles.Values.OrderBy(p => p.Id, StringComparer.Ordinal).ToList();

    public Profile? Find(string id) => _profiles.GetValueOrDefault(id);

    /// <summary>The <see cref="Profile.Origin"/> of Orch's own profiles.</summary>
    public const string BuiltInOrigin = "built-in";

    /// <summary>Orch's own profiles, as a source to load plugin profiles beside.</summary>
    public static IProfileSource BuiltInSource { get; } = new EmbeddedProfileSource(typeof(ProfileCatalog).Assembly, BuiltInOrigin);

    // The built-in profiles are embedded and never change while the process runs: parse them once.
    private static readonly Lazy<LoadResult<ProfileCatalog>> BuiltIn = new(() => Load([BuiltInSource]));

    public static LoadResult<ProfileCatalog> LoadBuiltIn() => BuiltIn.Value;

    /// <summary>Parses the profiles of every source; a later source's profile of the same id replaces an earlier one.</summary>
    public static LoadResult<ProfileCatalog> Load(IEnumerable<IProfileSource> sources)
    {
        var raw = new Dictionary<string, (Profile Profile, YamlMappingNode Node)>(StringComparer.Ordinal);
        var diagnostics = new List<OrchDiagnostic>();
        foreach (var (source, doc) in sources.SelectMany(s => s.GetProfiles().Select(d => (Source: s, Document: d))))
        {
            // Messages name the source unless it is Orch's own.
            var document = SourceDocument.Parse(source.Name == BuiltInOrigin ? doc.Path : $"{source.Name}:{doc.Path}", doc.Text, diagnostics);
            if (document?.Root is YamlMappingNode map && Read(document, map, diagnostics) is { } profile)
            {
                raw[profile.Id] = (profile with { Origin = source.Name }, map);
            }
        }

        var resolved = new Dictionary<string, Profile>(StringComparer.Ordinal);
        foreach (var id in raw.Keys)
        {
            resolved[id] = Resolve(id, raw, [], diagnostics);
        }

        return new LoadResult<ProfileCatalog>(diagnostics.Any(d => d.IsError) ? null : new ProfileCatalog(resolved), diagnostics);
    }

    private static Profile Resolve(string id, Dictionary<string, (Profile Profile, YamlMappingNode Node)> raw, HashSet<string> seen, List<OrchDiagnostic> diagnostics)
    {
        var (profile, node) = raw[id];
        if (profile.Extends is not { } parentId)
        {
            return profile;
        }

        if (!seen.Add(id) || !raw.ContainsKey(parentId))
        {
            diagnostics.Add(new OrchDiagnostic(DiagnosticCodes.InvalidValue, FindingSeverity.Error,
                raw.ContainsKey(parentId) ? $"profile '{id}' extends itself through '{parentId}'" : $"profile '{id}' extends unknown profile '{parentId}'", $"profiles/{id}.yaml", 1, 1));
            return profile;
        }

        var parent = Resolve(parentId, raw, seen, diagnostics);
        bool Has(string key) => node.Children.ContainsKey(new YamlScalarNode(key));
        var routing = new Dictionary<string, IReadOnlyList<string>>(parent.Routing, StringComparer.Ordinal);
        foreach (var (capability, tools) in profile.Routing)
        {
            routing[capability] = tools;
        }

        var parsers = new Dictionary<string, string>(parent.Parsers, StringComparer.Ordinal);
        foreach (var (command, parser) in profile.Parsers)
        {
            parsers[command] = parser;
        }

        return profile with
        {
            Static = Has("static") ? profile.Static : parent.Static,
            Runtime = Has("runtime") ? profile.Runtime : parent.Runtime,
            Breakers = Has("breakers") ? profile.Breakers : parent.Breakers,
            Parsers = parsers,
            Routing = routing,
        };
    }

    /// <summary>Reads one profile file's text; for tests and tools that check profiles outside the catalog.</summary>
    internal static Profile? ReadText(string name, string text, List<OrchDiagnostic> diagnostics) =>
        SourceDocument.Parse(name, text, diagnostics) is { Root: YamlMappingNode map } document ? Read(document, map, diagnostics) : null;

    private static Profile? Read(SourceDocument document, YamlMappingNode map, List<OrchDiagnostic> diagnostics)
    {
        var reader = new FieldReader(document, map, "", diagnostics);
        var id = reader.Text("id", required: true);
        var extends = reader.Text("extends");
        var description = reader.Text("description") ?? "";
        var legacy = reader.StringList("legacy_profiles") ?? [];
        var staticCommands = WorkstreamReader.ReadCommands(reader, "static") ?? [];
        var runtimeCommands = WorkstreamReader.ReadCommands(reader, "runtime") ?? [];
        var parsers = reader.StringMap("parsers") ?? new Dictionary<string, string>();
        var breakers = reader.Map("breakers");
        var loop = new LoopSettings
        {
            MaxAttempts = breakers?.WholeNumber("max_attempts", 1) ?? 3,
            OscillationWindow = breakers?.WholeNumber("oscillation_window", 2) ?? 4,
            OscillationThreshold = breakers?.WholeNumber("oscillation_threshold", 1) ?? 2,
        };
        breakers?.ReportUnknownFields(FindingSeverity.Error);
        var routing = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (reader.Map("routing") is { } routes)
        {
            foreach (var capability in new[] { "code_generation", "refactoring", "linting", "testing", "version_checking" })
            {
                if (routes.StringList(capability) is { } tools)
                {
                    routing[capability] = tools;
                }
            }

            routes.ReportUnknownFields(FindingSeverity.Error);
        }

        reader.ReportUnknownFields(FindingSeverity.Error);
        return id is null ? null : new Profile
        {
            Id = id, Extends = extends, Description = description, LegacyProfiles = legacy, Static = staticCommands, Runtime = runtimeCommands,
            Parsers = parsers, Breakers = loop, Routing = routing,
        };
    }
}
