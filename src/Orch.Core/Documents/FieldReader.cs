using System.Globalization;
using Orch.Abstractions.Diagnostics;
using Orch.Core.Diagnostics;
using YamlDotNet.RepresentationModel;

namespace Orch.Core.Documents;

/// <summary>
/// Reads the fields of one mapping, reporting each problem at the node it concerns and remembering which keys were
/// asked for, so the fields nobody asked for can be reported as unknown with a suggestion.
/// </summary>
public sealed class FieldReader
{
    private readonly SourceDocument _document;
    private readonly YamlMappingNode _map;
    private readonly string _prefix;
    private readonly ICollection<OrchDiagnostic> _diagnostics;
    private readonly HashSet<string> _known = new(StringComparer.Ordinal);

    public FieldReader(SourceDocument document, YamlMappingNode map, string prefix, ICollection<OrchDiagnostic> diagnostics)
    {
        _document = document;
        _map = map;
        _prefix = prefix;
        _diagnostics = diagnostics;
    }

    public YamlMappingNode Mapping => _map;

    public SourceDocument Document => _document;

    public ICollection<OrchDiagnostic> Diagnostics => _diagnostics;

    public string FieldPath(string key) => _prefix.Length == 0 ? key : $"{_prefix}.{key}";

    /// <summary>Every key of the mapping, known or not.</summary>
    public IEnumerable<string> Keys => _map.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value ?? "");

    public bool Has(string key)
    {
        _known.Add(key);
        return Find(key) is not null;
    }

    public YamlNode? Node(string key)
    {
        _known.Add(key);
        return Find(key);
    }

    public string? Text(string key, bool required = false)
    {
        var node = Node(key);
        if (node is null)
        {
            if (required)
            {
                Missing(key, "a string");
            }

            return null;
        }

        if (node is YamlScalarNode scalar && scalar.Value is not null)
        {
            return scalar.Value;
        }

        if (node is YamlScalarNode)
        {
            return required ? Error(node, DiagnosticCodes.WrongType, $"{FieldPath(key)} is null; expected a string") : null;
        }

        Error(node, DiagnosticCodes.WrongType, $"{FieldPath(key)} must be a string, not {Kind(node)}");
        return null;
    }

    public int? WholeNumber(string key, int minimum)
    {
        var node = Node(key);
        if (node is null)
        {
            return null;
        }

        if (node is YamlScalarNode { Value: { } text } && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            if (value < minimum)
            {
                Error(node, DiagnosticCodes.InvalidValue, $"{FieldPath(key)} is {value}; expected a whole number of at least {minimum}");
                return null;
            }

            return value;
        }

        Error(node, DiagnosticCodes.WrongType, $"{FieldPath(key)} must be a whole number, not {Describe(node)}");
        return null;
    }

    public double? Number(string key, double minimum)
    {
        var node = Node(key);
        if (node is null)
        {
            return null;
        }

        if (node is YamlScalarNode { Value: { } text } && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value))
        {
            if (value < minimum)
            {
                Error(node, DiagnosticCodes.InvalidValue, $"{FieldPath(key)} is {text}; expected a number of at least {minimum.ToString(CultureInfo.InvariantCulture)}");
                return null;
            }

            return value;
        }

        Error(node, DiagnosticCodes.WrongType, $"{FieldPath(key)} must be a number, not {Describe(node)}");
        return null;
    }

    public bool? Flag(string key)
    {
        var node = Node(key);
        if (node is null)
        {
            return null;
        }

        if (node is YamlScalarNode { Value: { } text } && bool.TryParse(text, out var value))
        {
            return value;
        }

        Error(node, DiagnosticCodes.WrongType, $"{FieldPath(key)} must be true or false, not {Describe(node)}");
        return null;
    }

    public IReadOnlyList<string>? StringList(string key)
    {
        var node = Node(key);
        return node is null ? null : StringList(node, FieldPath(key));
    }

    public IReadOnlyList<string>? StringList(YamlNode node, string path)
    {
        if (node is not YamlSequenceNode sequence)
        {
            Error(node, DiagnosticCodes.WrongType, $"{path} must be a list of strings, not {Kind(node)}");
            return null;
        }

        var items = new List<string>();
        var index = 0;
        foreach (var child in sequence.Children)
        {
            if (child is YamlScalarNode { Value: { } text })
            {
                items.Add(text);
            }
            else
            {
                Error(child, DiagnosticCodes.WrongType, $"{path}[{index}] must be a string, not {Kind(child)}");
                return null;
            }

            index++;
        }

        return items;
    }

    public IReadOnlyList<int>? IntList(string key)
    {
        var strings = StringList(key);
        if (strings is null)
        {
            return null;
        }

        var values = new List<int>();
        foreach (var text in strings)
        {
            if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
            {
                Error(Node(key)!, DiagnosticCodes.WrongType, $"{FieldPath(key)} must be a list of whole numbers; '{text}' is not one");
                return null;
            }

            values.Add(value);
        }

        return values;
    }

    public IReadOnlyDictionary<string, string>? StringMap(string key)
    {
        var node = Node(key);
        if (node is null)
        {
            return null;
        }

        if (node is not YamlMappingNode map)
        {
            Error(node, DiagnosticCodes.WrongType, $"{FieldPath(key)} must be a mapping of names to strings, not {Kind(node)}");
            return null;
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in map.Children)
        {
            var nameText = (name as YamlScalarNode)?.Value ?? "";
            if (value is YamlScalarNode scalar)
            {
                values[nameText] = scalar.Value ?? "";
            }
            else
            {
                Error(value, DiagnosticCodes.WrongType, $"{FieldPath(key)}.{nameText} must be a string, not {Kind(value)}");
            }
        }

        return values;
    }

    public FieldReader? Map(string key, bool required = false)
    {
        var node = Node(key);
        if (node is null)
        {
            if (required)
            {
                Missing(key, "a mapping");
            }

            return null;
        }

        if (node is YamlMappingNode map)
        {
            return new FieldReader(_document, map, FieldPath(key), _diagnostics);
        }

        Error(node, DiagnosticCodes.WrongType, $"{FieldPath(key)} must be a mapping, not {Kind(node)}");
        return null;
    }

    /// <summary>Reports every key that no reader method asked for.</summary>
    public void ReportUnknownFields(FindingSeverity severity, string? hint = null)
    {
        foreach (var (name, _) in _map.Children)
        {
            var key = (name as YamlScalarNode)?.Value ?? "";
            // Legacy files document themselves with _comment keys; they are never data.
            if (_known.Contains(key) || key.StartsWith("_comment", StringComparison.Ordinal))
            {
                continue;
            }

            var suggestion = Suggest(key, _known);
            var message = suggestion is null
                ? $"unknown field '{FieldPath(key)}'"
                : $"unknown field '{FieldPath(key)}'; did you mean '{suggestion}'?";
            Report(name, DiagnosticCodes.UnknownField, message, severity,
                hint ?? $"Known fields here: {string.Join(", ", _known.Order(StringComparer.Ordinal))}.");
        }
    }

    public void Missing(string key, string expected) =>
        _diagnostics.Add(new OrchDiagnostic(DiagnosticCodes.MissingField, FindingSeverity.Error,
            $"missing required field '{FieldPath(key)}' ({expected})", _document.Path, Line(_map), Column(_map), $"Add '{key}' to this mapping."));

    public string? Error(YamlNode node, string code, string message, string? hint = null)
    {
        Report(node, code, message, FindingSeverity.Error, hint);
        return null;
    }

    public void Report(YamlNode node, string code, string message, FindingSeverity severity, string? hint = null) =>
        _diagnostics.Add(new OrchDiagnostic(code, severity, message, _document.Path, Line(node), Column(node), hint));

    public static int Line(YamlNode node) => (int)node.Start.Line;

    public static int Column(YamlNode node) => (int)node.Start.Column;

    public static string Kind(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        YamlScalarNode { Value: null } => "null",
        _ => "a scalar",
    };

    private static string Describe(YamlNode node) => node is YamlScalarNode { Value: { } text } ? $"'{Shorten(text)}'" : Kind(node);

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..57] + "...";

    private YamlNode? Find(string key)
    {
        foreach (var (name, value) in _map.Children)
        {
            if (name is YamlScalarNode { Value: { } text } && text == key)
            {
                return value;
            }
        }

        return null;
    }

    /// <summary>The candidate closest to <paramref name="key"/> when it is close enough to be a typo of it, else <see langword="null"/>.</summary>
    public static string? Suggest(string key, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var distance = Distance(key.ToLowerInvariant().Replace('-', '_'), candidate);
            if (distance < bestDistance)
            {
                bestDistance = distance;
                best = candidate;
            }
        }

        return bestDistance <= Math.Max(2, key.Length / 3) ? best : null;
    }

    private static int Distance(string a, string b)
    {
        if (a.Length > 64 || b.Length > 64)
        {
            return int.MaxValue;
        }

        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
