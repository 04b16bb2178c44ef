using System.CommandLine;
using System.Reflection;
using Orch.Cli.Hosting;
using Orch.Core.Workflow;

namespace Orch.Cli.Commands;

/// <summary>
/// <c>dotnet orch demo</c>: unpacks the bundled sample into a new git repository and runs its plan, visibly: waves,
/// EDIT, STATIC with a FIX round, RUNTIME with a FIX round, and the merge.
/// </summary>
internal static class DemoCommand
{
    private const string Prefix = "demo/";

    public static Command Create(GlobalOptions options, TextWriter stdout, TextWriter stderr)
    {
        var directory = new Option<string?>("--dir") { Description = "Where to create the demo repository. Default: a new folder under the temp directory." };
        var command = new Command("demo", "Run the bundled sample end to end in a temporary repository.") { directory };
        return command.WithAction(options, stdout, stderr, (context, parse, ct) => RunAsync(context, parse.GetValue(directory), ct));
    }

    private static async Task<int> RunAsync(CliContext context, string? directory, CancellationToken cancellationToken)
    {
        var target = Path.GetFullPath(directory ?? Path.Combine(Path.GetTempPath(), $"orch-demo-{Guid.NewGuid().ToString("N")[..8]}"));
        if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any())
        {
            context.Error.WriteLine($"error: {target} is not empty");
            context.Error.WriteLine("  hint: give --dir an empty or new folder.");
            return ExitCodes.InvalidInput;
        }

        Unpack(target);
        context.UseRepository(target);
        await using (var engine = context.BuildEngine())
        {
            await engine.Plans.InitializeRepositoryAsync(target, "demo: starting point", cancellationToken);
        }

        context.Say($"demo repository: {target}");
        var exit = await RunCommand.RunAsync(context, Path.Combine(target, "plan", "calculator.yaml"), new RunOptions(), cancellationToken);
        context.Say($"demo repository kept at {target}: `git -C {target} log --oneline --graph` shows the checkpoints and the merge");
        return exit;
    }

    private static void Unpack(string target)
    {
        var assembly = Assembly.GetExecutingAssembly();
        foreach (var name in assembly.GetManifestResourceNames())
        {
            var normalized = name.Replace('\\', '/');
            if (!normalized.StartsWith(Prefix, StringComparison.Ordinal))
            {
                continue;
            }

            var path = Path.Combine(target, normalized[Prefix.Length..]);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            using var resource = assembly.GetManifestResourceStream(name)!;
            using var file = File.Create(path);
            resource.CopyTo(file);
        }
    }
}
