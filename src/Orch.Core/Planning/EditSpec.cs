using Orch.Abstractions.Adapters;

namespace Orch.Core.Planning;

/// <summary>How EDIT (and FIX) asks a tool for a change.</summary>
public sealed record EditSpec
{
    /// <summary>An explicit tool (<c>script</c>, <c>aider</c>, <c>codex</c>, <c>claude</c>, ...); wins over <see cref="Capability"/>.</summary>
    public string? Tool { get; init; }

    /// <summary>A capability for the router when no tool is named. The default value is <c>code_generation</c>.</summary>
    public Capability Capability { get; init; } = Capability.CodeGeneration;

    public string? Prompt { get; init; }

    public IReadOnlyList<string> Tasks { get; init; } = [];

    /// <summary>The argv of the <c>script</c> tool.</summary>
    public IReadOnlyList<string> Command { get; init; } = [];

    public string? Model { get; init; }

    /// <summary>Tools that take over, in order, when <see cref="Tool"/> cannot fix the findings.</summary>
    public IReadOnlyList<string> Escalation { get; init; } = [];

    /// <summary>Failed FIX attempts each tool gets before the next takes over; <see langword="null"/> for the project's setting.</summary>
    public int? FixAttemptsPerTool { get; init; }

    /// <summary>The instruction as markdown: the prompt, then the tasks as a list.</summary>
    public string Instruction()
    {
        var lines = new List<string>();
        if (!string.IsNullOrWhiteSpace(Prompt))
        {
            lines.Add(Prompt.Trim());
        }

        if (Tasks.Count > 0)
        {
            lines.Add("");
            lines.AddRange(Tasks.Select(t => $"- {t}"));
        }

        return string.Join('\n', lines).Trim();
    }
}
