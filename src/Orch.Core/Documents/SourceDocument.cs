using System.Text.Json;
using System.Text;
using System.Text.RegularExpressions;
using Orch.Abstractions.Diagnostics;
using Orch.Core.Diagnostics;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Orch.Core.Documents;

/// <summary>
/// A JSON or YAML file read into a node tree that keeps each node's line and column, so every later message can
/// point at the exact spot. JSON is checked by a strict JSON parser first: YAML would accept some broken JSON.
/// </summary>
public sealed partial class SourceDocument
{
    private SourceDocument(string path, YamlNode root)
    {
        Path = path;
        Root = root;
    }

    /// <summary>The file as the user named it, used in messages.</summary>
    public string Path { get; }

    public YamlNode Root { get; }

    /// <summary>Reads <paramref name="path"/>; on failure returns <see langword="null"/> and adds the reason to <paramref name="diagnostics"/>.</summary>
    public static SourceDocument? Load(string path, ICollection<OrchDiagnostic> diagnostics)
    {
        if (Directory.Exists(path))
        {
            diagnostics.Add(new OrchDiagnostic(DiagnosticCodes.FileNotFound, FindingSeverity.Error, "this is a folder, and one file is expected here", path,
                Hint: "Give one file; `job submit FOLDER` queues every job file of a folder, and `plan`, `run` and `validate` take folders."));
            return null;
        }

        string text;
        try
        {
            text = File.ReadAllText(path, Encoding.UTF8);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            diagnostics.Add(new OrchDiagnostic(DiagnosticCodes.FileNotFound, FindingSeverity.Error, $"cannot read the file: {ex.Message}", path,
                Hint: "Check the path and that you may read the file."));
            return null;
        }

        return Parse(path, text, diagnostics);
    }

    /// <summary>Deeper nesting than any Orch format needs; checked before parsing, because the parser recurses.</summary>
    public const int MaxDepth = 128;

    /// <summary>Larger than any Orch input file should be. The default value is 8 MiB.</summary>
    public const int MaxLength = 8 * 1024 * 1024;

    /// <summary>The v1 YAML a translator wrote for <paramref name="original"/>, read as a document of its own; messages name the original, marked "as v1".</summary>
    public static SourceDocument? Translated(SourceDocument original, string yaml, ICollection<OrchDiagnostic> diagnostics) =>
        Parse($"{original.Path} (as v1)", yaml, diagnostics);

    public static SourceDocument? Parse(string path, string text, ICollection<OrchDiagnostic> diagnostics)
    {
        if (text.Length > MaxLength)
        {
            diagnostics.Add(new OrchDiagnostic(DiagnosticCodes.InvalidValue, FindingSeverity.Error,
                $"the file is {text.Length / (1024 * 1024)} MiB; Orch reads input files up to {MaxLength / (1024 * 1024)} MiB", path, 1, 1,
                "Split the file, or check that this is the file you meant."));
            return null;
        }

        if (TooDeep(text) is { } deep)
        {
            diagnostics.Add(new OrchDiagnostic(DiagnosticCodes.InvalidValue, FindingSeverity.Error,
                $"nesting deeper than {MaxDepth} levels", path, deep.Line, deep.Column, "Orch's formats nest a few levels; this file looks generated or broken."));
            return null;
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            diagnostics.Add(new OrchDiagnostic(DiagnosticCodes.EmptyInput, FindingSeverity.Error, "the file is empty", path, 1, 1,
                "Write a JSON or YAML object into the file."));
            return null;
        }

        if (LooksLikeJson(path, text) && !CheckJson(path, text, diagnostics))
        {
            return null;
        }

        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            if (stream.Documents.Count == 0)
            {
                diagnostics.Add(new OrchDiagnostic(DiagnosticCodes.EmptyInput, FindingSeverity.Error, "the file holds no document", path, 1, 1));
                return null;
            }

            return new SourceDocument(path, stream.Documents[0].RootNode);
        }
        catch (YamlException ex)
        {
            var message = InnermostMessage(ex);
            var (line, column) = ((int)ex.Start.Line, (int)ex.Start.Column);
            // The parser places a tab in a block's indentation at the mapping's start (1:1), or at the value before it; the
            // tab itself is the spot.
            if (message.Contains(" tab ", StringComparison.Ordinal) && FirstTabInIndentation(text, line) is { } tab)
            {
                (line, column) = tab;
            }

            diagnostics.Add(new OrchDiagnostic(DiagnosticCodes.SyntaxError, FindingSeverity.Error, $"not valid YAML: {message}",
                path, line, column, "Fix the syntax at that position; `yamllint` shows the same spot."));
            return null;
        }
        catch (InvalidOperationException ex)
        {
            // The YAML parser gives up on some broken flow collections without a position; say so rather than crash.
            diagnostics.Add(new OrchDiagnostic(DiagnosticCodes.SyntaxError, FindingSeverity.Error, $"not valid YAML: {ex.Message.TrimEnd('.')}",
                path, 1, 1, "Check the brackets and braces of flow lists and mappings; `yamllint` shows the spot."));
            return null;
        }
    }

    /// <summary>
    /// The line and column of the first tab among a line's leading blanks, from line <paramref name="fromLine"/> on,
    /// outside block scalars (<c>|</c> and <c>&gt;</c>), whose text may start with a tab.
    /// </summary>
    private static (int Line, int Column)? FirstTabInIndentation(string text, int fromLine)
    {
        var lines = text.Split('\n');
        int? blockIndent = null;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            var spaces = line.Length - line.TrimStart(' ').Length;
            if (blockIndent is { } indent && (line.Trim().Length == 0 || spaces > indent))
            {
                continue;
            }

            blockIndent = null;
            var blanks = line.Length - line.TrimStart(' ', '\t').Length;
            var tab = line.IndexOf('\t', 0, blanks);
            if (tab >= 0 && i + 1 >= fromLine)
            {
                return (i + 1, tab + 1);
            }

            if (BlockScalarStart().IsMatch(line))
            {
                blockIndent = spaces;
            }
        }

        return null;
    }

    [GeneratedRegex(@"(^|[:\-]\s)\s*[|>][\-+0-9]*\s*(#.*)?$")]
    private static partial Regex BlockScalarStart();

    /// <summary>The first spot where brackets or indentation go deeper than <see cref="MaxDepth"/>, ignoring quoted text.</summary>
    private static (int Line, int Column)? TooDeep(string text)
    {
        int depth = 0, line = 1, column = 0, indent = 0;
        var atLineStart = true;
        var quote = '\0';
        foreach (var c in text)
        {
            column++;
            if (c == '\n')
            {
                line++;
                column = 0;
                indent = 0;
                atLineStart = true;
                quote = '\0';
                continue;
            }

            if (atLineStart && c == ' ')
            {
                // Block YAML nests by indentation: two spaces a level at the least.
                if (++indent / 2 > MaxDepth)
                {
                    return (line, column);
                }

                continue;
            }

            atLineStart = false;
            if (quote != '\0')
            {
                quote = c == quote ? '\0' : quote;
                continue;
            }

            switch (c)
            {
                case '"' or '\'':
                    quote = c;
                    break;
                case '[' or '{':
                    if (++depth > MaxDepth)
                    {
                        return (line, column);
                    }

                    break;
                case ']' or '}':
                    depth = Math.Max(0, depth - 1);
                    break;
            }
        }

        return null;
    }

    private static bool LooksLikeJson(string path, string text) =>
        path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || text.TrimStart() is ['{' or '[', ..];

    private static bool CheckJson(string path, string text, ICollection<OrchDiagnostic> diagnostics)
    {
        try
        {
            using var _ = JsonDocument.Parse(text, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, MaxDepth = 256 });
            return true;
        }
        catch (JsonException ex)
        {
            var line = (int)(ex.LineNumber ?? 0) + 1;
            var column = (int)(ex.BytePositionInLine ?? 0) + 1;
            var reason = ex.Message;
            foreach (var marker in new[] { " LineNumber:", " Path:" })
            {
                var cut = reason.IndexOf(marker, StringComparison.Ordinal);
                if (cut > 0)
                {
                    reason = reason[..cut];
                }
            }

            var hint = text.Contains("{{", StringComparison.Ordinal) || text.Contains("{['", StringComparison.Ordinal)
                ? "The file looks like an unrendered template; render it, or write plain JSON values."
                : "Fix the JSON at that position.";
            diagnostics.Add(new OrchDiagnostic(DiagnosticCodes.SyntaxError, FindingSeverity.Error, $"not valid JSON: {reason.TrimEnd('.')}", path, line, column, hint));
            return false;
        }
    }

    private static string InnermostMessage(Exception ex)
    {
        while (ex.InnerException is not null)
        {
            ex = ex.InnerException;
        }

        return ex.Message;
    }
}
