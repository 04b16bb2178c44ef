using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Orch.Core.Schemas;

/// <summary>
/// Turns a YAML (or JSON) node tree into JSON for schema evaluation, remembering the node behind every JSON pointer
/// so that each schema error can point at its line and column. Plain scalars follow YAML's core schema: null, booleans,
/// integers and floats; quoted scalars stay strings.
/// </summary>
public static partial class YamlToJson
{
    public static (JsonNode? Json, IReadOnlyDictionary<string, YamlNode> Nodes) Convert(YamlNode root)
    {
        var nodes = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        var json = Visit(root, "", nodes, 0);
        return (json, nodes);
    }

    private static JsonNode? Visit(YamlNode node, string pointer, Dictionary<string, YamlNode> nodes, int depth)
    {
        nodes[pointer] = node;
        if (depth > 200)
        {
            // Deeper than any Orch format; the schema reports the shape, not the stack.
            return JsonValue.Create("…");
        }

        switch (node)
        {
            case YamlMappingNode map:
                var obj = new JsonObject();
                foreach (var (key, value) in map.Children)
                {
                    var name = (key as YamlScalarNode)?.Value ?? "";
                    var child = $"{pointer}/{Escape(name)}";
                    // A key's own position is where an "unknown field" belongs.
                    nodes[child + "#key"] = key;
                    obj[name] = Visit(value, child, nodes, depth + 1);
                }

                return obj;
            case YamlSequenceNode sequence:
                var array = new JsonArray();
                for (var i = 0; i < sequence.Children.Count; i++)
                {
                    array.Add(Visit(sequence.Children[i], $"{pointer}/{i}", nodes, depth + 1));
                }

                return array;
            case YamlScalarNode scalar:
                return Scalar(scalar);
            default:
                return null;
        }
    }

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded)
        {
            return JsonValue.Create(text);
        }

        if (text is "" or "~" or "null" or "Null" or "NULL")
        {
            return null;
        }

        if (text is "true" or "True" or "TRUE" or "false" or "False" or "FALSE")
        {
            return JsonValue.Create(text.Equals("true", StringComparison.OrdinalIgnoreCase));
        }

        if (Integer().IsMatch(text) && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole))
        {
            return JsonValue.Create(whole);
        }

        if (Float().IsMatch(text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) && double.IsFinite(real))
        {
            return JsonValue.Create(real);
        }

        return JsonValue.Create(text);
    }

    private static string Escape(string name) => name.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    [GeneratedRegex(@"^[-+]?[0-9]+$")]
    private static partial Regex Integer();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex Float();
}
