using System.Globalization;
using Orch.Testing;

namespace Orch.Reliability.Tests.Support;

/// <summary>
/// A repository with a plan of four workstreams (a, b after a, c, d after b and c), each appending one line to its own
/// file and checking it, and what must hold after any crash and resume: an intact database, every job finished, no
/// process left, each line on the target branch exactly once.
/// </summary>
internal sealed class Scenario : IDisposable
{
    public static readonly string[] Workstreams = ["a", "b", "c", "d"];

    public Scenario(string editDelay = "0")
    {
        var files = new Dictionary<string, string>
        {
            // The pause gives a random kill something to land in; the line is what must be there exactly once.
            ["mark.sh"] = $"sleep {editDelay}\necho \"edit $1\" >> \"$1/x.txt\"\n",
            ["plan.yaml"] = """
                workstreams:
                  - {id: a, files_scope: [a/], edit: {tool: script, command: [sh, mark.sh, a]}, static: ["grep -q 'edit a' a/x.txt"], runtime: []}
                  - {id: b, depends_on: [a], files_scope: [b/], edit: {tool: script, command: [sh, mark.sh, b]}, static: ["grep -q 'edit a' a/x.txt"], runtime: []}
                  - {id: c, files_scope: [c/], edit: {tool: script, command: [sh, mark.sh, c]}, static: ["grep -q 'edit c' c/x.txt"], runtime: []}
                  - {id: d, depends_on: [b, c], files_scope: [d/], edit: {tool: script, command: [sh, mark.sh, d]}, static: [], runtime: ["grep -q 'edit b' b/x.txt"]}
                """,
        };
        foreach (var ws in Workstreams)
        {
            files[$"{ws}/x.txt"] = "start\n";
        }

        Repository = new TestRepository(files);
    }

    public TestRepository Repository { get; }

    public string Database => Repository.Combine(".orch", "state.db");

    public Task<(int Exit, string Out, string Err)> OrchAsync(IReadOnlyDictionary<string, string>? environment, params string[] args) =>
        OrchProcess.RunAsync(Repository.Path, Database, environment, args);

    /// <summary>The newest run's id, or <see langword="null"/> when none was recorded.</summary>
    public string? LatestRun() => StateFile.LatestRun(Database);

    /// <summary>Asserts everything the reliability promises say about a finished run.</summary>
    public void AssertConsistent(string context)
    {
        Assert.AreEqual("ok", StateFile.Scalar(Database, "PRAGMA integrity_check;"), context);
        Assert.AreEqual("0", StateFile.Scalar(Database, "SELECT count(*) FROM jobs WHERE status IN ('running', 'queued');"),
            $"every job ends in exactly one terminal state ({StateFile.Scalar(Database, "SELECT group_concat(name || ' ' || status || ' ' || coalesce(owner_id, ''), '; ') FROM jobs WHERE status IN ('running', 'queued');")}). {context}");

        Assert.AreEqual("", Repository.Git("status", "--porcelain", "--untracked-files=no"), $"the main tree is clean. {context}");
        AssertNoProcessLeft(Repository.Path, context);
    }

    /// <summary>Asserts each workstream's line is on the target branch exactly once.</summary>
    public void AssertAllMergedOnce(string context)
    {
        foreach (var ws in Workstreams)
        {
            Assert.AreEqual($"start\nedit {ws}\n", File.ReadAllText(Repository.Combine(ws, "x.txt")), $"{ws}/x.txt: {context}");
        }
    }

    /// <summary>No process is left with its working folder inside <paramref name="root"/> (a job, or a job's child).</summary>
    public static void AssertNoProcessLeft(string root, string context)
    {
        var left = new List<string>();
        foreach (var proc in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(proc), NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                continue;
            }

            try
            {
                if (new DirectoryInfo(Path.Combine(proc, "cwd")).LinkTarget is { } cwd && (cwd == root || cwd.StartsWith(root + "/", StringComparison.Ordinal))
                    && !File.ReadAllText(Path.Combine(proc, "stat")).Contains(") Z ", StringComparison.Ordinal))
                {
                    left.Add($"{Path.GetFileName(proc)}: {File.ReadAllText(Path.Combine(proc, "cmdline")).Replace('\0', ' ')}");
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Gone meanwhile.
            }
        }

        Assert.AreEqual(0, left.Count, $"processes left running: {string.Join("; ", left)}. {context}");
    }

    public void Dispose() => Repository.Dispose();
}
