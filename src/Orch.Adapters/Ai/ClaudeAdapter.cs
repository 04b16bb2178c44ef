using System.Globalization;
using Orch.Abstractions.Adapters;
using Orch.Adapters.Parsing;

namespace Orch.Adapters.Ai;

/// <summary>
/// Claude Code: <c>claude -p --output-format json --permission-mode acceptEdits [--model M] --max-turns N</c>, with the
/// instruction on standard input. Usage and cost come from the result object (<c>total_cost_usd</c>, <c>usage</c>).
/// </summary>
public sealed class ClaudeAdapter : AiToolAdapter
{
    /// <summary>Turns allowed when the invocation names none. The default value is 20.</summary>
    public const int DefaultMaxTurns = 20;

    public override string Name => "claude";

    protected override string DefaultExecutable => "claude";

    public override string InstallHint => "npm install -g @anthropic-ai/claude-code";

    public override IReadOnlyList<string> BuildArgv(ToolInvocation invocation, string executable, string resultsDirectory)
    {
        var argv = new List<string> { executable, "-p", "--output-format", "json", "--permission-mode", "acceptEdits" };
        if (invocation.Model is { Length: > 0 } model)
        {
            argv.AddRange(["--model", model]);
        }

        argv.AddRange(["--max-turns", (invocation.MaxTurns ?? DefaultMaxTurns).ToString(CultureInfo.InvariantCulture)]);
        return argv;
    }

    protected override string? StandardInput(ToolInvocation invocation) => invocation.Prompt ?? "";

    protected override ToolResult Interpret(ToolInvocation invocation, ProcessOutcome outcome, string resultsDirectory)
    {
        var parsed = ClaudeResultParser.Parse(outcome.StandardOutput, invocation.Model);
        // A result object explains itself (is_error with its message); without one, the exit code says more than "no result".
        var error = parsed.Usage is not null ? parsed.Error
            : outcome.ExitCode != 0 ? $"claude exited with code {outcome.ExitCode}: {Tail(outcome, 3)}"
            : parsed.Error;
        return new ToolResult
        {
            ExitCode = outcome.ExitCode,
            Succeeded = error is null && !outcome.TimedOut,
            TimedOut = outcome.TimedOut,
            Error = error is null ? null : WithKeyHint(error, "ANTHROPIC_API_KEY", "claude login"),
            Usage = parsed.Usage,
            Summary = parsed.Message,
            OutputTail = Tail(outcome),
        };
    }
}
