using System.CommandLine;
using Orch.Abstractions.Model;
using Orch.Cli.Hosting;
using Orch.Cli.Rendering;
using Orch.Core.Git;

namespace Orch.Cli.Commands;

/// <summary><c>dotnet orch cleanup</c>: removes the worktrees and branches of finished runs; unmerged work stays unless forced.</summary>
internal static class CleanupCommand
{
    public static Command Create(GlobalOptions options, TextWriter stdout, TextWriter stderr)
    {
        var force = new Option<bool>("--force") { Description = "Also delete branches with commits that were never merged." };
        var run = new Option<string?>("--run") { Description = "Only this run's worktrees." };
        var command = new Command("cleanup", "Remove worktrees and branches of finished runs.") { force, run };
        command.SetAction((parse, ct) =>
        {
            var context = new CliContext(parse, options, stdout, stderr);
            return CommandGuard.RunAsync(context, async () =>
            {
                await using var store = await context.OpenStoreAsync(ct);
                using var git = new GitClient(context.Time);
                var removed = new List<object>();
                var kept = new List<object>();
                foreach (var tree in await store.ListWorktreesAsync(parse.GetValue(run), ct))
                {
                    if (tree.Status == "removed" || (await store.GetRunAsync(tree.RunId, ct))?.Status == RunStatus.Running)
                    {
                        continue;
                    }

                    await git.RemoveWorktreeAsync(context.RepositoryRoot, tree.Path, ct);
                    var branchExists = await git.BranchExistsAsync(context.RepositoryRoot, tree.Branch, ct);
                    var merged = !branchExists || await git.IsMergedAsync(context.RepositoryRoot, tree.Branch, ct);
                    if (branchExists && !merged && !parse.GetValue(force))
                    {
                        kept.Add(new { branch = tree.Branch, workstream = tree.WorkstreamId, reason = "unmerged commits; use --force to delete" });
                        await store.SaveWorktreeAsync(tree with { Status = "branch_kept" }, ct);
                        continue;
                    }

                    if (branchExists)
                    {
                        await git.DeleteBranchAsync(context.RepositoryRoot, tree.Branch, force: !merged, ct);
                    }

                    await store.SaveWorktreeAsync(tree with { Status = "removed" }, ct);
                    removed.Add(new { branch = tree.Branch, workstream = tree.WorkstreamId, path = tree.Path });
                }

                if (context.Json)
                {
                    JsonOutput.WriteLine(context.Out, new { schema_version = JsonOutput.SchemaVersion, removed, kept });
                }
                else
                {
                    context.Say($"removed {removed.Count} worktree(s) and branch(es)");
                    foreach (var k in kept)
                    {
                        context.Say($"  kept {k}");
                    }
                }

                return ExitCodes.Ok;
            }, ct);
        });
        return command;
    }
}
