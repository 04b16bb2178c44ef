using System.Text;
using System.Text.Json;
using Orch.Abstractions.Diagnostics;
using Orch.Core.Diagnostics;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Orch.Core.Documents;

/// <summary>
/// A JSON or YAML file read into a node tree that keeps each node's line and column, so every later message can
/// point at the exact spot. JSON is checked by a strict JSON parser first: YAML would accept some broken JSON.
/// </summary>
public sealed class SourceDocument
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

    public static SourceDocument? Parse(string path, string text, ICollection<OrchDiagnostic> diagnostics)
    {
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
            diagnostics.Add(new OrchDiagnostic(DiagnosticCodes.SyntaxError, FindingSeverity.Error, $"not valid YAML: {InnermostMessage(ex)}",
                path, (int)ex.Start.Line, (int)ex.Start.Column, "Fix the syntax at that position; `yamllint` shows the same spot."));
            return null;
        }
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
