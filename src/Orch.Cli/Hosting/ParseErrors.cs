using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.RegularExpressions;
using Orch.Core.Application;

namespace Orch.Cli.Hosting;

/// <summary>
/// Turns System.CommandLine's parse errors into messages in Orch's words: a did-you-mean for a mistyped command or
/// option, and no .NET type name.
/// </summary>
internal static partial class ParseErrors
{
    public static IEnumerable<string> Describe(ParseResult parse)
    {
        var command = parse.CommandResult.Command;
        var reported = new HashSet<string>(StringComparer.Ordinal);
        foreach (var token in parse.UnmatchedTokens)
        {
            reported.Add(token);
            var isOption = token.StartsWith('-');
            var candidates = isOption
                ? AllOptions(parse).SelectMany(o => o.Aliases.Prepend(o.Name)).Where(n => n.StartsWith("--", StringComparison.Ordinal)).Distinct()
                : command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name);
            var suggestion = Suggest(token, candidates);
            var where = command is RootCommand ? "dotnet orch" : $"dotnet orch {Path(command)}";
            yield return (isOption ? $"unknown option '{token}' for `{where}`" : $"unknown command '{token}' for `{where}`")
                         + (suggestion is null ? "." : $"; did you mean '{suggestion}'?");
        }

        foreach (var error in parse.Errors)
        {
            if (error.Message.Contains("Unrecognized command or argument", StringComparison.Ordinal)
                && reported.Any(t => error.Message.Contains($"'{t}'", StringComparison.Ordinal)))
            {
                continue;
            }

            if (error.Message == "Required command was not provided." && parse.UnmatchedTokens.Count > 0)
            {
                continue;
            }

            yield return Clean(error.Message);
        }
    }

    /// <summary>Removes .NET type names from a parser message, in the words the docs use instead.</summary>
    public static string Clean(string message) =>
        TypeName().Replace(message, m => m.Groups["type"].Value switch
        {
            "System.Int32" or "System.Int64" or "System.Nullable`1[System.Int32]" or "System.Nullable`1[System.Int64]" => "as a whole number",
            "System.Decimal" or "System.Double" or "System.Nullable`1[System.Decimal]" or "System.Nullable`1[System.Double]" => "as a number",
            "System.Boolean" => "as true or false",
            _ => "",
        }).Replace(" .", ".", StringComparison.Ordinal);

    private static string? Suggest(string token, IEnumerable<string> candidates)
    {
        var bare = token.TrimStart('-');
        var best = Suggestions.Closest(bare, candidates.Select(c => c.TrimStart('-').Replace('-', '_')));
        return best is null ? null : candidates.First(c => c.TrimStart('-').Replace('-', '_') == best);
    }

    private static IEnumerable<Option> AllOptions(ParseResult parse)
    {
        for (var result = parse.CommandResult; result is not null; result = result.Parent as CommandResult)
        {
            foreach (var option in result.Command.Options.Where(o => !o.Hidden))
            {
                yield return option;
            }
        }
    }

    private static string Path(Command command)
    {
        var names = new List<string>();
        for (Symbol? symbol = command; symbol is Command { } c && c is not RootCommand; symbol = c.Parents.FirstOrDefault())
        {
            names.Insert(0, c.Name);
        }

        return string.Join(' ', names);
    }

    [GeneratedRegex(@"as expected type '(?<type>[^']+)'")]
    private static partial Regex TypeName();
}
