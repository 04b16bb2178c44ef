using System.CommandLine;
using Orch.Cli.Hosting;
using Orch.Cli.Rendering;

namespace Orch.Cli.Commands;

/// <summary><c>dotnet orch cleanup</c>: removes the worktrees and branches of finished runs; unmerged work stays unless forced.</summary>
internal static class CleanupCommand
{
    public static Command Create(GlobalOptions options, TextWriter stdout, TextWriter stderr)
    {
        var force = new Option<bool>("--force") { Description = "Also delete branches with commits that were never merged." };
        var run = new Option<string?>("--run") { Description = "Only this run's worktrees." };
        var command = new Command("cleanup", "Remove worktrees and branches of finished runs.") { force, run };
        return command.WithAction(options, stdout, stderr, (context, parse, ct) => context.WithEngineAsync(async engine =>
        {
            var result = await engine.Plans.CleanupAsync(parse.GetValue(run), parse.GetValue(force), ct);
            if (context.Json)
            {
                JsonOutput.WriteLine(context.Out, new
                {
                    schema_version = JsonOutput.SchemaVersion,
                    removed = result.RemovedWorktrees.Select(r => new { branch = r.Branch, workstream = r.Workstream, path = r.Path }),
                    kept = result.KeptBranches.Select(k => new { branch = k.Branch, workstream = k.Workstream, reason = k.Reason }),
                });
            }
            else
            {
                context.Say($"removed {result.RemovedWorktrees.Count} worktree(s) and branch(es)");
                foreach (var k in result.KeptBranches)
                {
                    context.Say($"  kept {k.Branch} ({k.Workstream}): {k.Reason}");
                }
            }

            return ExitCodes.Ok;
        }));
    }
}
