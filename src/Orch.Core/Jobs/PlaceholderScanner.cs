using Orch.Core.Diagnostics;
using Orch.Core.Documents;
using YamlDotNet.RepresentationModel;

namespace Orch.Core.Jobs;

/// <summary>Finds unrendered <c>{{ ... }}</c> template placeholders anywhere in a document and names their fields.</summary>
internal static class PlaceholderScanner
{
    public static IReadOnlySet<YamlNode> Scan(SourceDocument document, YamlNode root, List<OrchDiagnostic> diagnostics)
    {
        var found = new HashSet<YamlNode>();
        var reader = new FieldReader(document, root as YamlMappingNode ?? new YamlMappingNode(), "", diagnostics);
        Walk(root, "", found, reader);
        return found;
    }

    private static void Walk(YamlNode node, string path, HashSet<YamlNode> found, FieldReader reader)
    {
        switch (node)
        {
            case YamlScalarNode { Value: { } text } when text.Contains("{{", StringComparison.Ordinal):
                found.Add(node);
                var start = text.IndexOf("{{", StringComparison.Ordinal);
                var end = text.IndexOf("}}", start, StringComparison.Ordinal);
                var placeholder = end > start ? text[start..(end + 2)] : text[start..];
                reader.Error(node, DiagnosticCodes.UnrenderedPlaceholder,
                    $"{(path.Length == 0 ? "the document" : path)} holds the unrendered template placeholder '{placeholder}'",
                    "Render the template before giving the file to Orch, or write the value itself (paths relative to the repository root).");
                break;
            case YamlMappingNode map:
                foreach (var (key, value) in map.Children)
                {
                    var name = (key as YamlScalarNode)?.Value ?? "?";
                    Walk(value, path.Length == 0 ? name : $"{path}.{name}", found, reader);
                }

                break;
            case YamlSequenceNode sequence:
                for (var i = 0; i < sequence.Children.Count; i++)
                {
                    Walk(sequence.Children[i], $"{path}[{i}]", found, reader);
                }

                break;
        }
    }
}
