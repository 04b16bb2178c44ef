using System.Globalization;
using System.Text;
using Orch.Core.Profiles;
using Orch.Core.Translation;

namespace Orch.Core.Bootstrap;

/// <summary>
/// What bootstrap writes: <c>.orch/orch.yaml</c> (profile, overrides, tools, breakers, budgets), a starter workstream
/// that runs the profile's checks on the code as it is, and <c>.orch/.gitignore</c> for the database and worktrees.
/// A file the user changed is never replaced without force; the difference is shown instead.
/// </summary>
public static class BootstrapArtifacts
{
    public sealed record Artifact(string Path, string Content, string? Existing)
    {
        public bool Unchanged => Existing == Content;

        public bool WouldOverwrite => Existing is not null && Existing != Content;
    }

    public static IReadOnlyList<Artifact> Plan(string root, DiscoveryResult discovery, ProfileSelection selection, Profile profile)
    {
        var files = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [".orch/orch.yaml"] = Settings(discovery, selection, profile),
            [".orch/workstreams/starter.yaml"] = Starter(profile),
            [".orch/.gitignore"] = "# Orch's state and scratch space. orch.yaml, workstreams/ and plugins.lock are meant to be committed.\nstate.db\nstate.db-*\nworktrees/\nlogs/\nruns/\nexits/\nplugins/\n",
        };
        return files.Select(f =>
        {
            var path = Path.Combine(root, f.Key);
            return new Artifact(f.Key, f.Value, File.Exists(path) ? File.ReadAllText(path) : null);
        }).ToList();
    }

    public static void Write(string root, IEnumerable<Artifact> artifacts)
    {
        foreach (var artifact in artifacts.Where(a => !a.Unchanged))
        {
            var path = Path.Combine(root, artifact.Path);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, artifact.Content);
        }
    }

    /// <summary>A line diff for people: removed lines with '-', added with '+'.</summary>
    public static string Diff(Artifact artifact)
    {
        var before = (artifact.Existing ?? "").Split('\n');
        var after = artifact.Content.Split('\n');
        var text = new StringBuilder().AppendLine($"--- {artifact.Path} (yours)").AppendLine($"+++ {artifact.Path} (bootstrap)");
        var lcs = new int[before.Length + 1, after.Length + 1];
        for (var i = before.Length - 1; i >= 0; i--)
        {
            for (var j = after.Length - 1; j >= 0; j--)
            {
                lcs[i, j] = before[i] == after[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
            }
        }

        int a = 0, b = 0;
        while (a < before.Length || b < after.Length)
        {
            if (a < before.Length && b < after.Length && before[a] == after[b])
            {
                a++;
                b++;
            }
            else if (b < after.Length && (a == before.Length || lcs[a, b + 1] >= lcs[a + 1, b]))
            {
                text.Append('+').AppendLine(after[b++]);
            }
            else
            {
                text.Append('-').AppendLine(before[a++]);
            }
        }

        return text.ToString();
    }

    private static string Settings(DiscoveryResult discovery, ProfileSelection selection, Profile profile)
    {
        var yaml = new YamlText()
            .Comment($"Written by `dotnet orch bootstrap`: {selection.Reason}.")
            .Comment("Edit freely; bootstrap will show a diff instead of overwriting your changes.")
            .Scalar("version", 1)
            .Scalar("profile", selection.Profile);
        if (selection.Overrides.Count > 0)
        {
            yaml.Open("overrides");
            foreach (var o in selection.Overrides)
            {
                yaml.Item(2).Scalar("path", o.Path).Scalar("profile", o.Profile, 4, o.Reason);
            }
        }

        yaml.Comment("Per-tool settings: executable, model, timeout_seconds, stall_seconds, success_exit_codes, retry, breaker.").Open("tools");
        var chain = profile.Routing.GetValueOrDefault("code_generation") ?? [];
        foreach (var tool in chain.Where(t => t != "script"))
        {
            yaml.Open(tool, 2).Scalar("timeout_seconds", 900, 4);
        }

        foreach (var checker in profile.Routing.Where(r => r.Key is "linting" or "testing").SelectMany(r => r.Value).Distinct().Where(t => t != "process"))
        {
            yaml.Open(checker, 2).Scalar("timeout_seconds", 600, 4);
        }

        yaml.Comment("When a tool cannot fix the findings, the next one takes over; tools that are not installed are skipped.")
            .Open("escalation")
            .List("chain", chain.Where(t => t != "script"), 2, flow: true)
            .Scalar("fix_attempts_per_tool", Math.Max(1, profile.Breakers.MaxAttempts - 1), 2)
            .Comment("Spending limits in dollars; once reached no new AI job starts (exit code 3).")
            .Open("budgets")
            .Scalar("run_usd", 5.00m, 2)
            .Scalar("workstream_usd", 2.00m, 2);
        yaml.Comment(string.Create(CultureInfo.InvariantCulture,
            $"Discovered: {string.Join(", ", discovery.Languages.DefaultIfEmpty("no language"))}; tests: {string.Join(", ", discovery.TestFrameworks.DefaultIfEmpty("none found"))}; CI: {string.Join(", ", discovery.ExistingCi.DefaultIfEmpty("none"))}."));
        return yaml.ToString();
    }

    private static string Starter(Profile profile)
    {
        var yaml = new YamlText()
            .Comment("A first workstream: it changes nothing and runs the profile's STATIC and RUNTIME checks on the code as it is.")
            .Comment("Make it yours: set edit.tool (claude, codex, aider) and describe the change in edit.prompt; set files_scope.")
            .Comment($"Run it with `dotnet orch run .orch/workstreams/starter.yaml`. Profile '{profile.Id}': STATIC {Describe(profile.Static)}; RUNTIME {Describe(profile.Runtime)}.")
            .Scalar("version", 1)
            .Scalar("id", "starter")
            .Scalar("title", "Baseline: the profile's checks on the code as it is")
            .List("files_scope", [], flow: true)
            .Open("edit")
            .Scalar("tool", "script", 2)
            .List("command", ["git", "status", "--short"], 2, flow: true)
            .Scalar("prompt", "Describe the change you want here, then pick an AI tool above.", 2);
        yaml.Open("circuit_breaker")
            .Scalar("max_attempts", profile.Breakers.MaxAttempts, 2)
            .Scalar("oscillation_window", profile.Breakers.OscillationWindow, 2)
            .Scalar("oscillation_threshold", profile.Breakers.OscillationThreshold, 2);
        return yaml.ToString();
    }

    private static string Describe(IReadOnlyList<Planning.PhaseCommand> commands) =>
        commands.Count == 0 ? "none" : string.Join(", ", commands.Select(c => (c.Autofix ? "autofix " : "") + c.Display));
}
