using Orch.Cli;
using Orch.Cli.Hosting;
using Orch.Core.Application;

// A worker's job supervisor is this same executable, started by the worker: nothing of the CLI is needed for it.
if (JobSupervision.IsSupervisor(args, out _))
{
    return JobSupervision.Run(args);
}

OrchCli.JobSupervisorCommand = SelfCommand.Get();
using var signals = new TerminationSignals();
var exitCode = await OrchCli.RunAsync(args, Console.Out, Console.Error, signals.Token);
return signals.ExitCodeFor(exitCode);
