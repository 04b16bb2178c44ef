using Orch.Abstractions.Adapters;
using Orch.Adapters.Parsing;

namespace Orch.Adapters.Ai;

/// <summary>
/// Codex CLI: <c>codex exec --json -s workspace-write -C DIR [-m M] --output-last-message FILE -</c>, with the
/// instruction on standard input. Usage comes from <c>turn.completed</c> events of the JSONL stream.
/// </summary>
public sealed class CodexAdapter : AiToolAdapter
{
    public override string Name => "codex";

    protected override string DefaultExecutable => "codex";

    public override string InstallHint => "npm install -g @openai/codex";

    public override IReadOnlyList<string> BuildArgv(ToolInvocation invocation, string executable, string resultsDirectory)
    {
        var argv = new List<string> { executable, "exec", "--json", "-s", "workspace-write", "-C", invocation.WorkingDirectory };
        if (invocation.Model is { Length: > 0 } model)
        {
            argv.AddRange(["-m", model]);
        }

        argv.AddRange(["--output-last-message", Path.Combine(resultsDirectory, "codex-last-message.txt"), "-"]);
        return argv;
    }

    protected override string? StandardInput(ToolInvocation invocation) => invocation.Prompt ?? "";

    protected override ToolResult Interpret(ToolInvocation invocation, ProcessOutcome outcome, string resultsDirectory)
    {
        var parsed = CodexEventParser.Parse(outcome.StandardOutput, invocation.Model);
        var lastMessageFile = Path.Combine(resultsDirectory, "codex-last-message.txt");
        var summary = File.Exists(lastMessageFile) ? File.ReadAllText(lastMessageFile).Trim() : parsed.LastMessage;
        var error = outcome.ExitCode != 0
            ? $"codex exited with code {outcome.ExitCode}: {parsed.Error ?? Tail(outcome, 3)}"
            : parsed.Error;
        return new ToolResult
        {
            ExitCode = outcome.ExitCode,
            Succeeded = error is null && !outcome.TimedOut,
            TimedOut = outcome.TimedOut,
            Error = error is null ? null : WithKeyHint(error, "OPENAI_API_KEY", "codex login"),
            Usage = parsed.Usage,
            Summary = summary,
            OutputTail = Tail(outcome),
        };
    }
}
