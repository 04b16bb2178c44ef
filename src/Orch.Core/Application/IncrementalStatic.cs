using System.Text.Json;
using Orch.Core.Bootstrap;

namespace Orch.Core.Application;

/// <summary>
/// What the MSBuild STATIC check has to look at again: the sources changed since its last result, as long as
/// nothing that changes every file's verdict (the project file, an .editorconfig, a props or targets file) did.
/// </summary>
internal static class IncrementalStatic
{
    private static readonly string[] Sources = [".cs", ".vb", ".fs"];

    /// <returns>
    /// The changed sources relative to the project folder and the earlier findings of the others; <see langword="null"/>
    /// sources when the whole project must be checked.
    /// </returns>
    public static (IReadOnlyList<string>? Changed, IReadOnlyList<StaticFinding> Kept) Since(string resultFile, string projectPath, string repositoryRoot)
    {
        // An earlier result that could not check the project is no result.
        if (!File.Exists(resultFile) || Read(resultFile) is not { } earlier || earlier.Any(f => f.OrchCode != "ORCH1501"))
        {
            return (null, []);
        }

        var since = File.GetLastWriteTimeUtc(resultFile);
        var projectDirectory = Path.GetDirectoryName(projectPath)!;
        bool Newer(string file) => File.GetLastWriteTimeUtc(file) > since;
        if (Newer(projectPath) || Settings(projectDirectory, repositoryRoot).Any(Newer))
        {
            return (null, []);
        }

        var changed = RepositoryFiles.Under(projectDirectory).Where(f => Sources.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase) && Newer(f)).ToList();
        var changedSet = changed.ToHashSet(StringComparer.Ordinal);
        var kept = earlier.Where(f => f.File is null || (!changedSet.Contains(f.File) && File.Exists(f.File))).ToList();
        return (changed.Select(f => Path.GetRelativePath(projectDirectory, f).Replace('\\', '/')).ToList(), kept);
    }

    /// <summary>The files whose change can change any source's verdict: .editorconfig and MSBuild props/targets from the project up to the repository.</summary>
    private static IEnumerable<string> Settings(string projectDirectory, string repositoryRoot)
    {
        for (var dir = new DirectoryInfo(projectDirectory); dir is not null; dir = dir.Parent)
        {
            foreach (var file in dir.EnumerateFiles().Where(f => f.Name is ".editorconfig" or ".globalconfig" || f.Name.EndsWith(".props", StringComparison.OrdinalIgnoreCase)
                         || f.Name.EndsWith(".targets", StringComparison.OrdinalIgnoreCase)))
            {
                yield return file.FullName;
            }

            if (string.Equals(dir.FullName.TrimEnd('/', '\\'), repositoryRoot.TrimEnd('/', '\\'), StringComparison.Ordinal))
            {
                yield break;
            }
        }
    }

    private static List<StaticFinding>? Read(string resultFile)
    {
        try
        {
            using var json = JsonDocument.Parse(File.ReadAllText(resultFile));
            return json.RootElement.TryGetProperty("findings", out var findings)
                ? findings.EnumerateArray().Select(f => new StaticFinding(
                    Text(f, "file"), Number(f, "line"), Number(f, "column"), Text(f, "code"), Text(f, "message") ?? "", Text(f, "severity") ?? "warning",
                    Text(f, "orch_code") ?? "ORCH1501")).ToList()
                : null;
        }
        catch (JsonException)
        {
            // A damaged earlier result only means checking everything again.
            return null;
        }
    }

    private static string? Text(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static int? Number(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : null;
}
