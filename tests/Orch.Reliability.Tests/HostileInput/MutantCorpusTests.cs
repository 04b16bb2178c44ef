using System.Text;
using Orch.Cli;
using Orch.Reliability.Tests.Support;
using Orch.Testing;

namespace Orch.Reliability.Tests.HostileInput;

/// <summary>
/// Over a thousand generated mutants of jobs, plans and settings: every one is refused with an ORCH error at a file and
/// line and a documented exit code, or accepted; none crashes Orch, prints a stack trace or touches the database.
/// </summary>
[TestClass]
[TestCategory(Categories.Reliability)]
public sealed class MutantCorpusTests
{
    private const int Required = 1000;

    private static readonly (string Name, string Text, string[] Command)[] Seeds =
    [
        ("job.yaml", """
            version: 1
            kind: job
            id: build
            tool: script
            command: [sh, -c, "dotnet build"]
            working_dir: src
            timeout_seconds: 300
            env:
              MODE: release
            retry:
              max_retries: 2
              base_delay_seconds: 0.5
            """, ["validate"]),
        ("plan.yaml", """
            workstreams:
              - {id: api, files_scope: [src/api/], edit: {tool: script, command: [sh, edit.sh]}, static: ["make lint"], runtime: []}
              - id: web
                depends_on: [api]
                files_scope: [src/web/]
                edit: {tool: script, command: [sh, edit.sh]}
                static: []
                runtime: ["make test"]
                circuit_breaker: {max_attempts: 3}
            """, ["plan"]),
        (".orch/orch.yaml", """
            version: 1
            profile: generic
            tools:
              pytest: {timeout_seconds: 600, success_exit_codes: [0, 5]}
              aider: {model: gpt-4, stall_seconds: 120}
            worktree:
              copy: [.env.example]
              setup: ["echo ready"]
            """, ["validate"]),
    ];

    private static readonly string[] HostileValues =
    [
        "../../../etc/passwd", "/etc/shadow", "$(touch pwned)", "`id`", "a;b", "-rf", "\"unterminated", "'", "{", "[", "*alias", "&anchor",
        "!!binary x", "%TAG", "null", "~", "yes", "1e309", "-1", "0x7fffffffffffffff", "99999999999999999999", ".inf", "", " ", "\t",
        "C:\\Windows\\system32", "name.lock", "a\u0000b", "💥", new string('x', 100_000), "[a, b]", "{a: 1}", "|", ">", "? key", "- item",
    ];

    [TestMethod]
    public async Task Validate_OnGeneratedMutants_RefusesEachWithAnOrchErrorAndNeverCrashes()
    {
        using var repo = new TempDirectory();
        Directory.CreateDirectory(repo.Combine("src"));
        var database = repo.Combine(".orch", "state.db");
        repo.Write("seed-job.yaml", "id: kept\ncommand: [\"true\"]\n");
        Assert.AreEqual(0, await RunAsync(["job", "submit", repo.Combine("seed-job.yaml"), "--db", database], null));
        var before = StateFile.Hash(database);
        foreach (var (name, text, command) in Seeds)
        {
            var path = repo.Write(name, text);
            Assert.AreEqual(0, await RunAsync([.. command, path, "--db", database], null), $"the seed {name} is valid");
        }

        var random = new Random(1414);
        var refused = 0;
        var accepted = 0;
        for (var i = 0; refused < Required && i < Required * 4; i++)
        {
            var (name, text, command) = Seeds[i % Seeds.Length];
            var (mutant, how) = Mutate(text, random);
            var path = repo.Write(name, mutant);
            var error = new StringBuilder();
            var exit = await RunAsync([.. command, path, "--db", database], error);
            var said = error.ToString();
            var context = $"mutant {i} of {name} ({how}):\n{mutant[..Math.Min(mutant.Length, 600)]}\n---\n{said}";
            Assert.IsFalse(said.Contains("internal error", StringComparison.Ordinal) || said.Contains("   at ", StringComparison.Ordinal), context);
            Assert.IsTrue(exit is 0 or 2, $"exit {exit}: {context}");
            if (exit == 0)
            {
                accepted++;
                continue;
            }

            refused++;
            StringAssert.Contains(said, "error ORCH", context);
            StringAssert.Contains(said, Path.GetFileName(name) + ":", $"the error names the file: {context}");
        }

        Assert.IsTrue(refused >= Required, $"{refused} mutants refused, {accepted} still valid");
        Assert.AreEqual(before, StateFile.Hash(database), "checking files never writes the database");
    }

    private static (string Text, string How) Mutate(string text, Random random)
    {
        var lines = text.Split('\n').ToList();
        var line = random.Next(lines.Count);
        var at = random.Next(text.Length);
        switch (random.Next(9))
        {
            case 0:
                return (text.Remove(at, 1), $"delete char {at}");
            case 1:
                var c = ":{}[]&*!|>'\"%@`\t-#,?\\\0"[random.Next(20)];
                return (text.Insert(at, c.ToString()), $"insert {(int)c} at {at}");
            case 2:
                lines.Insert(line, lines[line]);
                return (string.Join('\n', lines), $"duplicate line {line}");
            case 3:
                lines.RemoveAt(line);
                return (string.Join('\n', lines), $"delete line {line}");
            case 4:
                var other = random.Next(lines.Count);
                (lines[line], lines[other]) = (lines[other], lines[line]);
                return (string.Join('\n', lines), $"swap lines {line} and {other}");
            case 5:
                return (text[..at], $"truncate at {at}");
            case 6:
                var colon = lines[line].IndexOf(": ", StringComparison.Ordinal);
                var value = HostileValues[random.Next(HostileValues.Length)];
                lines[line] = colon < 0 ? lines[line] + value : lines[line][..(colon + 2)] + value;
                return (string.Join('\n', lines), $"value on line {line}");
            case 7:
                var indent = new string(' ', random.Next(4) * 2);
                lines.Insert(line, $"{indent}no_such_field_{random.Next(100)}: 1");
                return (string.Join('\n', lines), $"unknown field at line {line}");
            default:
                return (text.Replace("depends_on: [api]", "depends_on: [web]").Replace("id: build", "id: ../build").Replace("version: 1", "version: 7"),
                    "cycle, escaping id, unknown version");
        }
    }

    private static async Task<int> RunAsync(string[] args, StringBuilder? error)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await OrchCli.RunAsync(args, stdout, stderr);
        error?.Append(stderr).Append(stdout);
        return exit;
    }
}
