using System.Text.RegularExpressions;
using Orch.Abstractions.Adapters;
using Orch.Abstractions.Diagnostics;
using YamlDotNet.RepresentationModel;

namespace Orch.Samples.MarkerCheck;

/// <summary>
/// The <c>marker-check</c> tool: finds marker words (TODO and FIXME, or those listed under <c>markers:</c> in
/// <c>marker-check.yaml</c>) with <c>grep</c>, and reports each line as a finding. A STATIC command
/// <c>[marker-check, PATH...]</c> runs it.
/// </summary>
public sealed partial class MarkerCheckAdapter : IToolAdapter
{
    /// <inheritdoc/>
    public string Name => "marker-check";

    /// <inheritdoc/>
    public IReadOnlyList<Capability> Capabilities { get; } = [Capability.Linting];

    /// <inheritdoc/>
    public async ValueTask<ToolAvailability> ProbeAsync(IProcessLauncher launcher, CancellationToken cancellationToken)
    {
        var outcome = await launcher.RunAsync(new ProcessRequest { Argv = ["grep", "--version"], WorkingDirectory = Environment.CurrentDirectory }, cancellationToken);
        return outcome.ExitCode == 0
            ? new ToolAvailability(true, $"{typeof(MarkerCheckAdapter).Assembly.GetName().Version} (YamlDotNet {YamlVersion})", null, null)
            : new ToolAvailability(false, null, null, "marker-check needs grep on PATH");
    }

    /// <inheritdoc/>
    public async ValueTask<ToolResult> RunAsync(ToolInvocation invocation, IProcessLauncher launcher, CancellationToken cancellationToken)
    {
        var markers = ReadMarkers(Path.Combine(invocation.WorkingDirectory, "marker-check.yaml"));
        var paths = invocation.Command.Skip(1).DefaultIfEmpty(".").ToArray();
        var outcome = await launcher.RunAsync(new ProcessRequest
        {
            Argv = ["grep", "-rnIE", "--exclude-dir=.git", "--exclude-dir=.orch", "--", string.Join('|', markers.Select(Regex.Escape)), .. paths],
            WorkingDirectory = invocation.WorkingDirectory,
            Environment = invocation.Environment,
            Timeout = invocation.Timeout,
        }, cancellationToken);

        var findings = outcome.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => GrepLine().Match(line))
            .Where(m => m.Success)
            .Select(m => new Finding(m.Groups["file"].Value.TrimStart('.', '/'), int.Parse(m.Groups["line"].Value, System.Globalization.CultureInfo.InvariantCulture), null,
                "MC001", $"marker left in the code: {m.Groups["text"].Value.Trim()}", FindingSeverity.Warning, Name))
            .ToList();
        // grep exits 0 when it matched and 1 when it did not; a checker tells Orch the other way round (0: clean).
        var ran = outcome.ExitCode is 0 or 1;
        return new ToolResult
        {
            ExitCode = ran ? (findings.Count == 0 ? 0 : 1) : outcome.ExitCode,
            Succeeded = ran,
            TimedOut = outcome.TimedOut,
            Error = ran ? null : $"grep failed: {outcome.StandardError.Trim()}",
            Findings = findings,
            OutputTail = outcome.StandardOutput,
            Summary = $"marker-check found {findings.Count} marker(s) of {string.Join(", ", markers)} (read with YamlDotNet {YamlVersion})",
        };
    }

    /// <summary>The YamlDotNet this plugin runs with: its own, whatever version Orch uses.</summary>
    public static string YamlVersion => typeof(YamlStream).Assembly.GetName().Version!.ToString();

    private static IReadOnlyList<string> ReadMarkers(string file)
    {
        if (!File.Exists(file))
        {
            return ["TODO", "FIXME"];
        }

        var yaml = new YamlStream();
        using (var reader = new StreamReader(file))
        {
            yaml.Load(reader);
        }

        return yaml.Documents.FirstOrDefault()?.RootNode is YamlMappingNode root && root.Children.TryGetValue(new YamlScalarNode("markers"), out var node) && node is YamlSequenceNode list
            ? list.Children.OfType<YamlScalarNode>().Select(s => s.Value!).Where(v => v.Length > 0).ToList()
            : ["TODO", "FIXME"];
    }

    [GeneratedRegex(@"^(?<file>[^:]+):(?<line>\d+):(?<text>.*)$")]
    private static partial Regex GrepLine();
}
