using System.CommandLine;
using Orch.Cli.Hosting;
using Orch.Cli.Rendering;
using Orch.Core.Application;
using Orch.Dashboard;

namespace Orch.Cli.Commands;

/// <summary><c>dotnet orch ui [--port P]</c>: serves the dashboard on 127.0.0.1 until Ctrl-C.</summary>
internal static class UiCommand
{
    public static Command Create(GlobalOptions options, TextWriter stdout, TextWriter stderr)
    {
        var port = new Option<int>("--port", "-p") { Description = "The port on 127.0.0.1. Default: 0, a free port the system picks.", DefaultValueFactory = _ => 0 };
        var command = new Command("ui", "Serve the dashboard on 127.0.0.1: runs, each run's DAG, timeline, findings, spend and FIX-loop yield, live.") { port };
        return command.WithAction(options, stdout, stderr, async (context, parse, ct) =>
        {
            var chosen = parse.GetValue(port);
            if (chosen is < 0 or > 65535)
            {
                context.Error.WriteLine($"error: --port {chosen} is not a port (0 to 65535; 0 picks a free one)");
                return ExitCodes.InvalidInput;
            }

            OrchEngine Engine(bool readOnly) => new OrchEngineBuilder().ForRepository(context.RepositoryRoot).UseDatabase(context.DatabaseAddress)
                .UseTimeProvider(context.Time).ReadOnly(readOnly)
                .OnPluginProblem(problem => context.Error.WriteLine($"warning: plugin {problem.DisplayName.Trim()} {problem.Reason}")).Build();

            // An older database is upgraded once, here: the pages' own connection is read-only and cannot.
            await using (var upgrade = Engine(readOnly: false))
            {
                await upgrade.Reports.StatusAsync(null, ct);
            }

            await using var reader = Engine(readOnly: true);
            DashboardServer server;
            try
            {
                server = await DashboardServer.StartAsync(new DashboardOptions
                {
                    Reader = reader, ActionEngine = () => Engine(readOnly: false), OrchCommand = SelfCommand.Get(), Port = chosen,
                }, ct);
            }
            catch (IOException ex)
            {
                context.Error.WriteLine($"error: cannot listen on 127.0.0.1:{chosen}: {ex.Message}");
                context.Error.WriteLine("  hint: choose another --port, or leave it out to take a free one.");
                return ExitCodes.InvalidInput;
            }

            await using (server)
            {
                if (context.Json)
                {
                    JsonOutput.WriteLine(context.Out, new
                    {
                        schema_version = JsonOutput.SchemaVersion, url = server.Address, port = server.Address.Port, token = server.Options.Token,
                        open = server.AddressWithToken,
                    });
                }
                else
                {
                    context.Out.WriteLine($"Orch dashboard for {context.RepositoryRoot}");
                    context.Out.WriteLine($"  {server.AddressWithToken}");
                    context.Out.WriteLine("Open that address: actions (cancel, resume, queue a job) need its token. Ctrl-C stops the dashboard.");
                }

                await context.Out.FlushAsync(ct);
                try
                {
                    await Task.Delay(Timeout.InfiniteTimeSpan, context.Time, ct);
                }
                catch (OperationCanceledException)
                {
                    // Ctrl-C is how a dashboard ends.
                }
            }

            return ExitCodes.Ok;
        });
    }
}

