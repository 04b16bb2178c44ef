using System.Globalization;
using System.Text.Json;
using Orch.Abstractions.Diagnostics;
using Orch.Core.Diagnostics;
using Orch.Core.Documents;
using YamlDotNet.RepresentationModel;

namespace Orch.Core.Execution;

/// <summary>
/// Tool options from the <c>tools:</c> section of <c>.orch/orch.yaml</c>, or from a legacy <c>tool_profiles.json</c>
/// and <c>circuit_breakers.yaml</c>.
/// </summary>
public sealed class ToolSettings
{
    private readonly Dictionary<string, ToolOptions> _tools;

    public ToolSettings(IReadOnlyDictionary<string, ToolOptions> tools, ToolOptions? defaults = null)
    {
        _tools = new Dictionary<string, ToolOptions>(tools, StringComparer.OrdinalIgnoreCase);
        Defaults = defaults ?? new ToolOptions();
    }

    public static ToolSettings Empty { get; } = new(new Dictionary<string, ToolOptions>());

    public ToolOptions Defaults { get; }

    public IReadOnlyDictionary<string, ToolOptions> Tools => _tools;

    public ToolOptions For(string tool) => _tools.TryGetValue(tool, out var options) ? options : Defaults;

    /// <summary>Reads the <c>tools:</c> section of <c>.orch/orch.yaml</c>.</summary>
    internal static ToolSettings Read(FieldReader settings)
    {
        var tools = new Dictionary<string, ToolOptions>(StringComparer.OrdinalIgnoreCase);
        if (settings.Node("tools") is YamlMappingNode toolsNode)
        {
            foreach (var (key, value) in toolsNode.Children)
            {
                var name = ((YamlScalarNode)key).Value ?? "";
                if (value is not YamlMappingNode toolMap)
                {
                    settings.Error(value, DiagnosticCodes.WrongType, $"tools.{name} must be a mapping");
                    continue;
                }

                tools[name] = ReadTool(new FieldReader(settings.Document, toolMap, $"tools.{name}", settings.Diagnostics));
            }
        }
        else if (settings.Node("tools") is { } other)
        {
            settings.Error(other, DiagnosticCodes.WrongType, $"tools must be a mapping of tool names, not {FieldReader.Kind(other)}");
        }

        return new ToolSettings(tools);
    }

    private static ToolOptions ReadTool(FieldReader tool)
    {
        var options = new ToolOptions();
        var executable = tool.Text("executable");
        var model = tool.Text("model");
        var timeout = tool.WholeNumber("timeout_seconds", 1);
        var stall = tool.WholeNumber("stall_seconds", 0);
        var codes = tool.IntList("success_exit_codes");
        var retry = tool.Map("retry");
        var maxRetries = retry?.WholeNumber("max_retries", 0);
        var baseDelay = retry?.Number("base_delay_seconds", 0);
        var jitter = retry?.Flag("jitter");
        retry?.ReportUnknownFields(FindingSeverity.Error);
        var breaker = tool.Map("breaker");
        var threshold = breaker?.WholeNumber("failure_threshold", 1);
        var breakSeconds = breaker?.Number("break_seconds", 0.5);
        var samplingSeconds = breaker?.Number("sampling_seconds", 0.5);
        breaker?.ReportUnknownFields(FindingSeverity.Error);
        tool.ReportUnknownFields(FindingSeverity.Error);
        return options with
        {
            Executable = executable,
            Model = model,
            Timeout = timeout is { } t ? TimeSpan.FromSeconds(t) : options.Timeout,
            StallTimeout = stall is { } quiet ? TimeSpan.FromSeconds(quiet) : null,
            SuccessExitCodes = codes ?? options.SuccessExitCodes,
            Retry = options.Retry with
            {
                MaxRetries = maxRetries ?? options.Retry.MaxRetries,
                BaseDelay = baseDelay is { } d ? TimeSpan.FromSeconds(d) : options.Retry.BaseDelay,
                UseJitter = jitter ?? options.Retry.UseJitter,
            },
            Breaker = options.Breaker with
            {
                FailureThreshold = threshold ?? options.Breaker.FailureThreshold,
                BreakDuration = breakSeconds is { } b ? TimeSpan.FromSeconds(b) : options.Breaker.BreakDuration,
                SamplingDuration = samplingSeconds is { } s ? TimeSpan.FromSeconds(s) : options.Breaker.SamplingDuration,
            },
        };
    }

    /// <summary>
    /// Maps the legacy <c>tool_profiles.json</c> (<c>timeout-sec</c>, <c>success-exit-codes</c>) and, when given,
    /// <c>circuit_breakers.yaml</c> (<c>defaults.max_attempts_per_step</c>: attempts including the first) onto tool options.
    /// </summary>
    public static ToolSettings FromLegacy(string toolProfilesJson, string? circuitBreakersYaml)
    {
        var retries = 0;
        if (circuitBreakersYaml is not null)
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(circuitBreakersYaml));
            if (stream.Documents[0].RootNode is YamlMappingNode root
                && root.Children.TryGetValue(new YamlScalarNode("defaults"), out var defaults) && defaults is YamlMappingNode defaultsMap
                && defaultsMap.Children.TryGetValue(new YamlScalarNode("max_attempts_per_step"), out var attempts)
                && int.TryParse(((YamlScalarNode)attempts).Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var attemptCount))
            {
                retries = Math.Max(0, attemptCount - 1);
            }
        }

        var tools = new Dictionary<string, ToolOptions>(StringComparer.OrdinalIgnoreCase);
        using var json = JsonDocument.Parse(toolProfilesJson);
        foreach (var profile in json.RootElement.EnumerateObject())
        {
            var options = new ToolOptions { Retry = new() { MaxRetries = retries } };
            if (profile.Value.TryGetProperty("timeout-sec", out var timeout) && timeout.TryGetInt32(out var seconds) && seconds > 0)
            {
                options = options with { Timeout = TimeSpan.FromSeconds(seconds) };
            }

            if (profile.Value.TryGetProperty("success-exit-codes", out var codes) && codes.ValueKind == JsonValueKind.Array)
            {
                options = options with { SuccessExitCodes = codes.EnumerateArray().Select(c => c.GetInt32()).ToArray() };
            }

            tools[profile.Name] = options;
        }

        return new ToolSettings(tools, new ToolOptions { Retry = new() { MaxRetries = retries } });
    }
}
