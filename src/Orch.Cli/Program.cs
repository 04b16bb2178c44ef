using Orch.Cli;
using Orch.Cli.Hosting;

using var signals = new TerminationSignals();
var exitCode = await OrchCli.RunAsync(args, Console.Out, Console.Error, signals.Token);
return signals.ExitCodeFor(exitCode);
