using System.Text.RegularExpressions;
using Orch.Abstractions.Adapters;
using Orch.Abstractions.Diagnostics;
using Orch.Adapters.Process;
using Orch.Adapters.Registry;
using Orch.Core.Diagnostics;
using Orch.Core.Planning;
using Orch.Core.Settings;

namespace Orch.Core.Workflow;

/// <summary>
/// What <c>run</c> checks before it makes any worktree: every tool the plan, the profile and the hooks name can be
/// found. A missing checker is the user's to install, never a finding for the AI to fix.
/// </summary>
public static partial class PlanPreflight
{
    // Words a shell runs itself; the first word of a shell command is checked only when it is none of these.
    private static readonly HashSet<string> ShellWords = new(StringComparer.Ordinal)
    {
        "cd", "echo", "test", "[", "true", "false", "exit", "export", "set", "unset", "if", "for", "while", "until", "case", ".", "source",
        "eval", "exec", "printf", "read", "command", "type", "ulimit", "umask", "trap", "wait", "!", "{", "(", "local", "return", "shift", ":",
    };

    /// <summary>One error per tool that cannot be found, at the workstream (or <c>orch.yaml</c>) that names it, with how to install it.</summary>
    public static async Task<IReadOnlyList<OrchDiagnostic>> CheckAsync(Plan plan, ProjectSettings settings, string repositoryRoot, AdapterRegistry adapters,
        IProcessLauncher launcher, CancellationToken cancellationToken)
    {
        var diagnostics = new List<OrchDiagnostic>();
        var reported = new HashSet<(string?, string)>();
        foreach (var ws in plan.Workstreams)
        {
            var edit = ws.Edit;
            if (edit.Tool is { } tool && tool != "script")
            {
                await RequireAsync(ws, tool, settings.Tools.For(tool).Executable ?? tool, $"the edit tool of '{ws.Id}'");
            }
            else if (edit.Command.Count > 0)
            {
                await RequireAsync(ws, "script", edit.Command[0], $"edit.command of '{ws.Id}'");
            }
            else
            {
                var chain = settings.Escalation.Chain.Count > 0 ? settings.Escalation.Chain
                    : settings.Profile?.Routing.GetValueOrDefault(Serialization.OrchJson.EnumText(edit.Capability)) ?? [];
                if (chain.Count > 0 && !chain.Any(t => adapters.Knows(t) && ExecutableLocator.Find(settings.Tools.For(t).Executable ?? t, repositoryRoot) is not null))
                {
                    var hints = new List<string>();
                    foreach (var t in chain)
                    {
                        hints.Add($"{t}: {await HintAsync(t)}");
                    }

                    diagnostics.Add(new OrchDiagnostic(DiagnosticCodes.ToolMissing, FindingSeverity.Error,
                        $"'{ws.Id}' names no edit tool, and none of the tools it would be routed to ({string.Join(", ", chain)}) is installed",
                        ws.SourceFile, ws.SourceLine, null, $"Install one ({string.Join("; ", hints)}), or set edit.tool."));
                }
            }

            foreach (var phase in new[] { PhaseName.Static, PhaseName.Runtime })
            {
                var check = CheckPhase.For(phase, settings, repositoryRoot, phase == PhaseName.Static ? ws.Static : ws.Runtime);
                foreach (var command in check.Commands)
                {
                    await RequireCommandAsync(ws, command, $"a {Serialization.OrchJson.EnumText(phase)} command of '{ws.Id}'");
                }
            }
        }

        foreach (var (hook, commands) in settings.Worktree.All)
        {
            foreach (var command in commands)
            {
                await RequireCommandAsync(null, command, $"the worktree.{hook} hook");
            }
        }

        return diagnostics;

        async Task RequireCommandAsync(WorkstreamSpec? ws, PhaseCommand command, string what)
        {
            var executable = command.UseShell ? FirstWord(command.Command[0]) : command.Command[0];
            if (executable is not null)
            {
                await RequireAsync(ws, CheckPhase.ToolOf(command.UseShell ? PhaseCommand.Argv(executable) : command), executable, what);
            }
        }

        async Task RequireAsync(WorkstreamSpec? ws, string tool, string executable, string what)
        {
            if (ExecutableLocator.Find(executable, repositoryRoot) is not null || !reported.Add((ws?.Id, executable)))
            {
                return;
            }

            // A plugin's tool is its adapter, not a program on PATH: the adapter says whether what it needs is there.
            if (adapters.Knows(tool) && adapters.Resolve(tool) is Plugins.PluginAdapter plugin
                && (await plugin.ProbeAsync(launcher, cancellationToken)).IsAvailable)
            {
                return;
            }

            var file = ws?.SourceFile ?? ProjectSettings.PathFor(repositoryRoot);
            diagnostics.Add(new OrchDiagnostic(DiagnosticCodes.ToolMissing, FindingSeverity.Error,
                $"'{executable}', {what}, was not found on PATH or in the repository", file, ws?.SourceLine, null,
                $"Install it ({await HintAsync(tool)}), or give its path (tools.{tool}.executable in .orch/orch.yaml); `dotnet orch tools` lists what is installed."));
        }

        async Task<string> HintAsync(string tool)
        {
            if (!adapters.Knows(tool))
            {
                return "put it on PATH";
            }

            var probe = await adapters.Resolve(tool).ProbeAsync(launcher, cancellationToken);
            return probe.InstallHint ?? "put it on PATH";
        }
    }

    /// <summary>The program a simple shell command starts, or <see langword="null"/> when the shell decides (a builtin, a variable, a redirection).</summary>
    public static string? FirstWord(string command)
    {
        var match = Word().Match(command);
        return match.Success && !ShellWords.Contains(match.Groups[1].Value) ? match.Groups[1].Value : null;
    }

    [GeneratedRegex(@"^\s*([A-Za-z0-9_./+-]+)(?:\s|$)")]
    private static partial Regex Word();
}
