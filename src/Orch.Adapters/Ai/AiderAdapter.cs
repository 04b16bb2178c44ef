using Orch.Abstractions.Adapters;
using Orch.Adapters.Parsing;

namespace Orch.Adapters.Ai;

/// <summary>
/// aider: <c>aider --message-file FILE --yes-always --no-auto-commits [--model M] FILES...</c>. Orch commits the
/// checkpoints itself, so aider must not. Usage comes from its <c>Tokens: … Cost: …</c> lines.
/// </summary>
public sealed class AiderAdapter : AiToolAdapter
{
    public override string Name => "aider";

    protected override string DefaultExecutable => "aider";

    public override string InstallHint => "python -m pip install aider-install && aider-install (see https://aider.chat/docs/install.html)";

    public override IReadOnlyList<string> BuildArgv(ToolInvocation invocation, string executable, string resultsDirectory)
    {
        var messageFile = Path.Combine(resultsDirectory, "aider-message.md");
        File.WriteAllText(messageFile, invocation.Prompt ?? "");
        var argv = new List<string> { executable, "--message-file", messageFile, "--yes-always", "--no-auto-commits" };
        if (invocation.Model is { Length: > 0 } model)
        {
            argv.AddRange(["--model", model]);
        }

        // Folder and glob scopes are for Orch's guard; aider takes files, so only plain file entries are passed.
        argv.AddRange(invocation.FilesInScope.Where(f => !f.EndsWith('/') && f.IndexOfAny(['*', '?']) < 0));
        return argv;
    }

    protected override ToolResult Interpret(ToolInvocation invocation, ProcessOutcome outcome, string resultsDirectory)
    {
        var usage = AiderOutputParser.Parse(outcome.StandardOutput + "\n" + outcome.StandardError, invocation.Model);
        var succeeded = outcome.ExitCode == 0;
        return new ToolResult
        {
            ExitCode = outcome.ExitCode,
            Succeeded = succeeded,
            TimedOut = outcome.TimedOut,
            Error = succeeded ? null : WithKeyHint($"aider exited with code {outcome.ExitCode}: {Tail(outcome, 3)}", "OPENAI_API_KEY", "aider --help"),
            Usage = usage,
            OutputTail = Tail(outcome),
        };
    }
}
