using System.CommandLine;
using System.CommandLine.Parsing;
using Orch.Core.Application;
using Orch.Core.Serialization;

namespace Orch.Cli.Hosting;

/// <summary>
/// Parsers for option values that say what was wrong in the words the docs use: snake_case enum values with a
/// did-you-mean, and whole numbers with their lower bound. No .NET type name ever reaches the user.
/// </summary>
internal static class OptionValues
{
    /// <summary>An option whose value is one of <typeparamref name="T"/>'s values, written as the docs and JSON write them.</summary>
    public static Option<T?> Choice<T>(string name, string description, string what) where T : struct, Enum
    {
        var words = Words<T>();
        var option = new Option<T?>(name) { Description = description, HelpName = string.Join('|', words) };
        option.CustomParser = result => ParseChoice<T>(result, what);
        option.CompletionSources.Add(words);
        return option;
    }

    public static string[] Words<T>() where T : struct, Enum => Enum.GetValues<T>().Select(OrchJson.EnumText).ToArray();

    public static T? ParseChoice<T>(ArgumentResult result, string what) where T : struct, Enum
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        var words = Words<T>();
        var match = words.FirstOrDefault(w => string.Equals(w, text, StringComparison.OrdinalIgnoreCase));
        if (match is not null && OrchJson.TryParseEnum<T>(match, out var value))
        {
            return value;
        }

        var suggestion = Suggestions.Closest(text, words);
        result.AddError($"'{text}' is not {what}{(suggestion is null ? "." : $"; did you mean '{suggestion}'?")} Use one of: {string.Join(", ", words)}.");
        return null;
    }

    /// <summary>An option that takes a whole number from <paramref name="minimum"/> to <paramref name="maximum"/>.</summary>
    public static Option<int> WholeNumber(string name, string description, int defaultValue, int minimum, int maximum = int.MaxValue, params string[] aliases)
    {
        var option = new Option<int>(name, aliases) { Description = description, DefaultValueFactory = _ => defaultValue, HelpName = "n" };
        option.CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            if (!int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value))
            {
                result.AddError($"{name} takes a whole number, not '{text}'.");
                return defaultValue;
            }

            if (value < minimum || value > maximum)
            {
                result.AddError(maximum == int.MaxValue ? $"{name} must be {minimum} or more, not {value}." : $"{name} must be between {minimum} and {maximum}, not {value}.");
            }

            return value;
        };
        return option;
    }

    /// <summary>An option that takes an amount of dollars, zero or more.</summary>
    public static Option<decimal?> Dollars(string name, string description)
    {
        var option = new Option<decimal?>(name) { Description = description, HelpName = "usd" };
        option.CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            if (!decimal.TryParse(text, System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture, out var value) || value < 0)
            {
                result.AddError($"{name} takes dollars, zero or more (for example 2.50), not '{text}'.");
                return null;
            }

            return value;
        };
        return option;
    }
}
