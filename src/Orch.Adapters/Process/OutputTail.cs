namespace Orch.Adapters.Process;

/// <summary>The last lines of a tool's output, for <see cref="Orch.Abstractions.Adapters.ToolResult.OutputTail"/>.</summary>
public static class OutputTail
{
    public static string Of(string text, int lines)
    {
        var all = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return string.Join('\n', all.Skip(Math.Max(0, all.Length - lines)));
    }
}
