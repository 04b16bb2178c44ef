using Orch.Core.Documents;

namespace Orch.Core.Application;

/// <summary>The did-you-mean every host and loader gives: the same distance and threshold everywhere.</summary>
public static class Suggestions
{
    /// <summary>The candidate closest to <paramref name="typed"/> when it is close enough to be a typo of it, else <see langword="null"/>.</summary>
    public static string? Closest(string typed, IEnumerable<string> candidates) => FieldReader.Suggest(typed, candidates);
}
