using System.Text.Json.Nodes;
using Json.Schema;
using Orch.Abstractions.Diagnostics;
using Orch.Core.Diagnostics;
using Orch.Core.Documents;
using YamlDotNet.RepresentationModel;

namespace Orch.Core.Schemas;

/// <summary>Validates a document against one of Orch's JSON Schemas and reports each problem at its line and column.</summary>
public static class SchemaValidator
{
    public const string LegacyMismatch = "ORCH1105";

    public static IReadOnlyList<OrchDiagnostic> Validate(SourceDocument document, YamlNode node, string schemaName, FindingSeverity severity = FindingSeverity.Error)
    {
        var (json, nodes) = YamlToJson.Convert(node);
        var result = SchemaCatalog.Get(schemaName).Evaluate(json is null ? default : System.Text.Json.JsonSerializer.SerializeToElement(json),
            new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (result.IsValid)
        {
            return [];
        }

        var diagnostics = new List<OrchDiagnostic>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var detail in result.Details ?? [])
        {
            if (detail.Errors is null || detail.IsValid)
            {
                continue;
            }

            var evaluation = detail.EvaluationPath.ToString();
            // Inside a oneOf/anyOf each failing branch reports; the oneOf itself says it better.
            if (evaluation.Contains("/oneOf/", StringComparison.Ordinal) || evaluation.Contains("/anyOf/", StringComparison.Ordinal))
            {
                continue;
            }

            var pointer = detail.InstanceLocation.ToString();
            foreach (var (keyword, message) in detail.Errors)
            {
                var (code, text, at) = Describe(keyword, message, pointer, evaluation, json);
                // Legacy files document themselves in _comment keys; they were never data.
                if (code == DiagnosticCodes.UnknownField && pointer.Split('/')[^1].StartsWith("_comment", StringComparison.Ordinal))
                {
                    continue;
                }

                var target = nodes.GetValueOrDefault(at) ?? nodes.GetValueOrDefault(pointer) ?? node;
                if (!seen.Add($"{code}|{at}|{text}"))
                {
                    continue;
                }

                diagnostics.Add(new OrchDiagnostic(schemaName.StartsWith("legacy/", StringComparison.Ordinal) ? LegacyMismatch : code, severity, text,
                    document.Path, FieldReader.Line(target), FieldReader.Column(target), $"See schema/{schemaName}."));
            }
        }

        return diagnostics;
    }

    private static (string Code, string Message, string Pointer) Describe(string keyword, string message, string pointer, string evaluation, JsonNode? json)
    {
        var field = pointer.Length == 0 ? "the document" : pointer.TrimStart('/').Replace('/', '.');
        // A property the schema forbids fails the "false" schema; a failed additionalProperties subschema is the value's own fault.
        if (keyword is "" or "false")
        {
            return (DiagnosticCodes.UnknownField, $"unknown field '{field}'", pointer + "#key");
        }

        return keyword switch
        {
            "required" => (DiagnosticCodes.MissingField, $"{(pointer.Length == 0 ? "" : field + ": ")}{message.Replace("Required properties", "missing required field", StringComparison.Ordinal)}", pointer),
            "type" => (DiagnosticCodes.WrongType, $"{field}: {message}", pointer),
            "oneOf" or "anyOf" => (DiagnosticCodes.WrongType, $"{field} matches none of the allowed forms ({Shape(json, pointer)})", pointer),
            _ => (DiagnosticCodes.InvalidValue, $"{field}: {message}", pointer),
        };
    }

    private static string Shape(JsonNode? json, string pointer)
    {
        var node = json;
        foreach (var part in pointer.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = part.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            node = node switch
            {
                JsonObject o => o[name],
                JsonArray a when int.TryParse(name, out var i) && i < a.Count => a[i],
                _ => null,
            };
        }

        return node switch
        {
            null => "it is null",
            JsonObject => "it is a mapping",
            JsonArray => "it is a list",
            _ => $"it is {node.GetValueKind().ToString().ToLowerInvariant()}",
        };
    }
}
