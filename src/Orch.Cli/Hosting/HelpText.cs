using System.CommandLine;
using System.Text.RegularExpressions;

namespace Orch.Cli.Hosting;

/// <summary>
/// Help as a .NET developer reads it: the tool is <c>dotnet orch</c> (whatever file started it), and an argument a
/// command can do without is shown in brackets in the command list too.
/// </summary>
internal static class HelpText
{
    public static string Fix(string help, RootCommand root)
    {
        // The root's name is whatever started the process (Orch.Cli, dotnet-orch, a test host).
        var text = Regex.Replace(help, $@"(?m)^(?<indent>  ){Regex.Escape(root.Name)}(?<rest>( |$))", m => m.Groups["indent"].Value + "dotnet orch" + m.Groups["rest"].Value);
        foreach (var command in root.Subcommands)
        {
            foreach (var argument in command.Arguments.Where(a => a.Arity.MinimumNumberOfValues == 0))
            {
                // Keep the description column where it was: the brackets take two of the spaces after.
                text = Regex.Replace(text, $@"(?m)^(  {Regex.Escape(command.Name)} )<{Regex.Escape(argument.Name)}>(  +)",
                    m => $"{m.Groups[1].Value}[<{argument.Name}>]{(m.Groups[2].Value.Length >= 4 ? m.Groups[2].Value[2..] : "  ")}");
            }
        }

        // Enum defaults print as .NET names; the docs and JSON write them in lower case.
        return text.Replace("[default: Console]", "[default: console]", StringComparison.Ordinal);
    }
}
