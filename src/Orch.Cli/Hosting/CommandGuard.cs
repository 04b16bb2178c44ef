using System.CommandLine;
using Orch.Core.Storage;

namespace Orch.Cli.Hosting;

/// <summary>Turns what can go wrong in any command into a message and a documented exit code; never a stack trace.</summary>
internal static class CommandGuard
{
    /// <summary>Makes <paramref name="run"/> the command's action, with its <see cref="CliContext"/> and this guard around it.</summary>
    public static Command WithAction(this Command command, GlobalOptions options, TextWriter stdout, TextWriter stderr,
        Func<CliContext, ParseResult, CancellationToken, Task<int>> run)
    {
        command.SetAction((parse, ct) =>
        {
            var context = new CliContext(parse, options, stdout, stderr);
            if (context.Format == OutputFormat.Sarif && command.Name != "findings")
            {
                context.Error.WriteLine($"error: --format sarif is for `dotnet orch findings`; `{command.Name}` prints console or json");
                return Task.FromResult(ExitCodes.InvalidInput);
            }

            return RunAsync(context, () => run(context, parse, ct), ct);
        });
        return command;
    }

    public static async Task<int> RunAsync(CliContext context, Func<Task<int>> command, CancellationToken cancellationToken)
    {
        try
        {
            return await command();
        }
        catch (StateDatabaseException ex)
        {
            context.Error.WriteLine($"error ORCH2001: {ex.Message}");
            context.Error.WriteLine($"  hint: {ex.Hint}");
            return ex.IsTransient ? ExitCodes.WorkFailed : ExitCodes.InvalidInput;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            context.Error.WriteLine("cancelled");
            return ExitCodes.Cancelled;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            context.Error.WriteLine($"error: {ex.Message}");
            context.Error.WriteLine("  hint: check that the path exists, that you may write to it, and that the disk is not full.");
            return ExitCodes.WorkFailed;
        }
        catch (Exception ex)
        {
            context.Error.WriteLine($"internal error: {ex.Message}");
            if (context.Verbosity >= Verbosity.Diagnostic)
            {
                context.Error.WriteLine(ex.ToString());
            }
            else
            {
                context.Error.WriteLine("  hint: this is a bug in Orch; run again with -v diag for details and report it.");
            }

            return ExitCodes.WorkFailed;
        }
    }
}
