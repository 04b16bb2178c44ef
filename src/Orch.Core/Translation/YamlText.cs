using System.Globalization;
using System.Text.Json;
using System.Text;

namespace Orch.Core.Translation;

/// <summary>Writes reviewable YAML: block style, comments where a reader needs them, every string double-quoted so it reads back exactly.</summary>
public sealed class YamlText
{
    private readonly StringBuilder _text = new();

    public YamlText Comment(string text, int indent = 0)
    {
        foreach (var line in text.Split('\n'))
        {
            _text.Append(' ', indent).Append("# ").AppendLine(line.TrimEnd());
        }

        return this;
    }

    public YamlText Blank()
    {
        _text.AppendLine();
        return this;
    }

    public YamlText Scalar(string key, object? value, int indent = 0, string? comment = null)
    {
        if (value is null)
        {
            return this;
        }

        _text.Append(' ', indent).Append(key).Append(": ").Append(Format(value));
        if (comment is not null)
        {
            _text.Append("  # ").Append(comment);
        }

        _text.AppendLine();
        return this;
    }

    public YamlText List(string key, IEnumerable<string> items, int indent = 0, bool flow = false)
    {
        var list = items.ToList();
        _text.Append(' ', indent).Append(key).Append(':');
        if (list.Count == 0 || flow)
        {
            _text.Append(" [").Append(string.Join(", ", list.Select(Quote))).AppendLine("]");
            return this;
        }

        _text.AppendLine();
        foreach (var item in list)
        {
            _text.Append(' ', indent + 2).Append("- ").AppendLine(Quote(item));
        }

        return this;
    }

    public YamlText Numbers(string key, IEnumerable<long> items, int indent = 0)
    {
        _text.Append(' ', indent).Append(key).Append(": [").Append(string.Join(", ", items.Select(i => i.ToString(CultureInfo.InvariantCulture)))).AppendLine("]");
        return this;
    }

    public YamlText Map(string key, IEnumerable<KeyValuePair<string, string>> items, int indent = 0)
    {
        var list = items.ToList();
        _text.Append(' ', indent).Append(key).Append(':');
        if (list.Count == 0)
        {
            _text.AppendLine(" {}");
            return this;
        }

        _text.AppendLine();
        foreach (var (name, value) in list)
        {
            _text.Append(' ', indent + 2).Append(Quote(name)).Append(": ").AppendLine(Quote(value));
        }

        return this;
    }

    /// <summary>Starts a nested mapping; write its fields with a larger indent.</summary>
    public YamlText Open(string key, int indent = 0)
    {
        _text.Append(' ', indent).Append(key).AppendLine(":");
        return this;
    }

    /// <summary>Starts an item of a list of mappings: "- " then the first field.</summary>
    public YamlText Item(int indent = 0)
    {
        _text.Append(' ', indent).Append("- ");
        return this;
    }

    public override string ToString() => _text.ToString();

    private static string Format(object value) => value switch
    {
        string s => Quote(s),
        bool b => b ? "true" : "false",
        decimal or double or float or int or long => Convert.ToString(value, CultureInfo.InvariantCulture)!,
        _ => Quote(value.ToString() ?? ""),
    };

    // JSON string syntax is valid YAML double-quoted syntax.
    private static string Quote(string value) => JsonSerializer.Serialize(value);
}
