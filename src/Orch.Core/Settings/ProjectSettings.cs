using Orch.Core.Costs;
using Orch.Core.Diagnostics;
using Orch.Core.Documents;
using Orch.Core.Execution;
using Orch.Core.Profiles;
using YamlDotNet.RepresentationModel;

namespace Orch.Core.Settings;

/// <summary>
/// The project's settings in <c>.orch/orch.yaml</c>: <c>tools:</c> (timeouts, stall times, retries, breakers),
/// <c>worktree:</c> (hooks and copied files), prices, budgets, escalation and the profile.
/// </summary>
public sealed partial record ProjectSettings(ToolSettings Tools, WorktreeHooks Worktree)
{
    public static ProjectSettings Empty { get; } = new(ToolSettings.Empty, WorktreeHooks.None);

    /// <summary>The price table: the built-in prices with <c>prices:</c> on top.</summary>
    public PriceTable Prices { get; init; } = PriceTable.Default;

    public BudgetSettings Budgets { get; init; } = new();

    public EscalationSettings Escalation { get; init; } = new();

    /// <summary>The profile bootstrap chose (<c>profile:</c>); its commands, breakers and routing apply where a workstream says nothing.</summary>
    public Profile? Profile { get; init; }

    /// <summary>Folders that get another profile (<c>overrides:</c>).</summary>
    public IReadOnlyList<(string Path, string Profile)> Overrides { get; init; } = [];

    public static string PathFor(string repositoryRoot) => Path.Combine(repositoryRoot, ".orch", "orch.yaml");

    /// <summary>
    /// The <c>database</c> the settings name, for hosts that resolve the database before anything else loads: a file
    /// relative to the repository made absolute, or a server address as written; <see langword="null"/> when unset or unreadable.
    /// </summary>
    public static string? DatabaseIn(string repositoryRoot)
    {
        var path = PathFor(repositoryRoot);
        if (!File.Exists(path))
        {
            return null;
        }

        // A line scan, not the YAML parser: every command resolves its database first, and this keeps start-up fast.
        // The full load (Load) still checks the file.
        foreach (var line in File.ReadLines(path))
        {
            if (DatabaseLine().Match(line) is { Success: true } match)
            {
                var value = match.Groups[1].Value.Trim().Trim('"', '\'');
                return value.Length == 0 ? null : value.Contains("://", StringComparison.Ordinal) ? value : Path.GetFullPath(value, repositoryRoot);
            }
        }

        return null;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^database\s*:\s*(""[^""]*""|'[^']*'|[^#\s]+)")]
    private static partial System.Text.RegularExpressions.Regex DatabaseLine();

    /// <summary>Reads <c>.orch/orch.yaml</c>; its profile is looked up in <paramref name="profiles"/> (the built-in ones when <see langword="null"/>).</summary>
    public static LoadResult<ProjectSettings> Load(string repositoryRoot, ProfileCatalog? profiles = null)
    {
        var path = PathFor(repositoryRoot);
        var diagnostics = new List<OrchDiagnostic>();
        if (!File.Exists(path))
        {
            return new LoadResult<ProjectSettings>(Empty, diagnostics);
        }

        var document = SourceDocument.Load(path, diagnostics);
        if (document is null)
        {
            return new LoadResult<ProjectSettings>(null, diagnostics);
        }

        if (document.Root is not YamlMappingNode root)
        {
            diagnostics.Add(new OrchDiagnostic(DiagnosticCodes.UnknownFormat, Abstractions.Diagnostics.FindingSeverity.Error,
                ".orch/orch.yaml must hold a mapping", path, FieldReader.Line(document.Root), FieldReader.Column(document.Root)));
            return new LoadResult<ProjectSettings>(null, diagnostics);
        }

        var reader = new FieldReader(document, root, "", diagnostics);
        var tools = ToolSettings.Read(reader);
        var worktree = WorktreeHooks.Read(reader.Map("worktree"));
        var prices = ReadPrices(reader.Map("prices"));
        var budgets = ReadBudgets(reader.Map("budgets"));
        var escalation = ReadEscalation(reader.Map("escalation"));
        var profile = ReadProfile(reader, profiles ?? ProfileCatalog.LoadBuiltIn().Value!, out var overrides);
        var settings = new ProjectSettings(tools, worktree)
        {
            Prices = PriceTable.Default.With(prices), Budgets = budgets, Escalation = escalation, Profile = profile, Overrides = overrides,
        };
        return new LoadResult<ProjectSettings>(diagnostics.Any(d => d.IsError) ? null : settings, diagnostics);
    }

    private static Profile? ReadProfile(FieldReader reader, ProfileCatalog catalog, out List<(string Path, string Profile)> overrides)
    {
        overrides = [];
        reader.Text("version");
        reader.Text("database");
        var id = reader.Text("profile");
        if (reader.Node("overrides") is YamlSequenceNode list)
        {
            foreach (var item in list.Children.OfType<YamlMappingNode>())
            {
                var entry = new FieldReader(reader.Document, item, "overrides[]", reader.Diagnostics);
                var path = entry.Text("path", required: true);
                var profile = entry.Text("profile", required: true);
                entry.ReportUnknownFields(Abstractions.Diagnostics.FindingSeverity.Error);
                if (path is not null && profile is not null)
                {
                    overrides.Add((path, profile));
                }
            }
        }

        if (id is null)
        {
            return null;
        }

        if (catalog.Find(id) is { } found)
        {
            return found;
        }

        reader.Error(reader.Node("profile")!, DiagnosticCodes.InvalidValue,
            $"profile '{id}' is not a built-in profile{(FieldReader.Suggest(id, catalog.All.Select(p => p.Id)) is { } s ? $"; did you mean '{s}'?" : "")}",
            $"Use one of: {string.Join(", ", catalog.All.Select(p => p.Id))} (`dotnet orch profiles list`).");
        return null;
    }

    private static Dictionary<string, ModelPrice> ReadPrices(FieldReader? prices)
    {
        var table = new Dictionary<string, ModelPrice>(StringComparer.OrdinalIgnoreCase);
        if (prices is null)
        {
            return table;
        }

        foreach (var (key, _) in prices.Mapping.Children)
        {
            var model = ((YamlScalarNode)key).Value ?? "";
            if (prices.Map(model) is not { } price)
            {
                continue;
            }

            var input = price.Number("input_per_mtok", 0);
            var cached = price.Number("cached_input_per_mtok", 0);
            var output = price.Number("output_per_mtok", 0);
            price.ReportUnknownFields(Abstractions.Diagnostics.FindingSeverity.Error);
            if (input is null || output is null)
            {
                price.Missing(input is null ? "input_per_mtok" : "output_per_mtok", "dollars per million tokens");
                continue;
            }

            table[model] = new ModelPrice((decimal)input, (decimal)(cached ?? input), (decimal)output);
        }

        return table;
    }

    private static BudgetSettings ReadBudgets(FieldReader? budgets)
    {
        if (budgets is null)
        {
            return new BudgetSettings();
        }

        var run = budgets.Number("run_usd", 0);
        var workstream = budgets.Number("workstream_usd", 0);
        var phases = ReadPhaseBudgets(budgets.Map("phase_usd"));
        budgets.ReportUnknownFields(Abstractions.Diagnostics.FindingSeverity.Error);
        return new BudgetSettings { RunUsd = (decimal?)run, WorkstreamUsd = (decimal?)workstream, PhaseUsd = phases };
    }

    /// <summary>Reads <c>{edit: 1.0, static: 0.5, runtime: 0.5}</c>, keyed by upper-case phase name.</summary>
    internal static Dictionary<string, decimal> ReadPhaseBudgets(FieldReader? map)
    {
        var phases = new Dictionary<string, decimal>(StringComparer.OrdinalIgnoreCase);
        if (map is null)
        {
            return phases;
        }

        foreach (var phase in new[] { "edit", "static", "runtime" })
        {
            if (map.Number(phase, 0) is { } usd)
            {
                phases[phase.ToUpperInvariant()] = (decimal)usd;
            }
        }

        map.ReportUnknownFields(Abstractions.Diagnostics.FindingSeverity.Error);
        return phases;
    }

    private static EscalationSettings ReadEscalation(FieldReader? escalation)
    {
        if (escalation is null)
        {
            return new EscalationSettings();
        }

        var chain = escalation.StringList("chain") ?? [];
        var perTool = escalation.WholeNumber("fix_attempts_per_tool", 1);
        escalation.ReportUnknownFields(Abstractions.Diagnostics.FindingSeverity.Error);
        return new EscalationSettings { Chain = chain, FixAttemptsPerTool = perTool };
    }
}
