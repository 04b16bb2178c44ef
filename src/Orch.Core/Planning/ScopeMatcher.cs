using System.Text.RegularExpressions;

namespace Orch.Core.Planning;

/// <summary>
/// Scope entries are repository-relative: a file (<c>src/a.cs</c>), a folder (<c>src/</c>, or an entry that is
/// a prefix folder of the path) or a glob (<c>src/**/*.cs</c>).
/// </summary>
public static class ScopeMatcher
{
    public static bool Allows(IEnumerable<string> scope, string path)
    {
        var normalized = Normalize(path);
        return scope.Any(entry => Matches(Normalize(entry), normalized));
    }

    /// <summary>True when some path could be in both scopes; conservative for globs.</summary>
    public static bool Overlaps(IEnumerable<string> a, IEnumerable<string> b)
    {
        var right = b.Select(Normalize).ToArray();
        return a.Select(Normalize).Any(x => right.Any(y => EntriesOverlap(x, y)));
    }

    private static bool Matches(string entry, string path)
    {
        if (IsGlob(entry))
        {
            return GlobRegex(entry).IsMatch(path);
        }

        var folder = entry.TrimEnd('/');
        return path == folder || path.StartsWith(folder + "/", StringComparison.Ordinal);
    }

    private static bool EntriesOverlap(string x, string y)
    {
        if (!IsGlob(x) && !IsGlob(y))
        {
            return Matches(x, y.TrimEnd('/')) || Matches(y, x.TrimEnd('/'));
        }

        if (!IsGlob(x))
        {
            return Matches(y, x.TrimEnd('/')) || LiteralPrefix(y).StartsWith(x.TrimEnd('/') + "/", StringComparison.Ordinal);
        }

        if (!IsGlob(y))
        {
            return EntriesOverlap(y, x);
        }

        var px = LiteralPrefix(x);
        var py = LiteralPrefix(y);
        return px.StartsWith(py, StringComparison.Ordinal) || py.StartsWith(px, StringComparison.Ordinal);
    }

    /// <summary>The part of an entry every path it matches starts with: a path without its trailing '/', or a glob's text before its first wildcard.</summary>
    internal static string LiteralKey(string entry)
    {
        var normalized = Normalize(entry);
        return IsGlob(normalized) ? LiteralPrefix(normalized) : normalized.TrimEnd('/');
    }

    private static bool IsGlob(string entry) => entry.IndexOfAny(['*', '?', '[']) >= 0;

    private static string LiteralPrefix(string glob) => glob[..glob.IndexOfAny(['*', '?', '['])];

    private static string Normalize(string path)
    {
        var text = path.Replace('\\', '/');
        while (text.StartsWith("./", StringComparison.Ordinal))
        {
            text = text[2..];
        }

        return text;
    }

    private static Regex GlobRegex(string glob)
    {
        var pattern = Regex.Escape(glob)
            .Replace(@"\*\*/", "(?:.*/)?", StringComparison.Ordinal)
            .Replace(@"\*\*", ".*", StringComparison.Ordinal)
            .Replace(@"\*", "[^/]*", StringComparison.Ordinal)
            .Replace(@"\?", "[^/]", StringComparison.Ordinal);
        return new Regex($"^{pattern}(?:/.*)?$", RegexOptions.CultureInvariant);
    }
}
