using System.Globalization;
using Orch.Core.Execution;

namespace Orch.Core.Application;

/// <summary>
/// The job supervisor's entry, for the host that is Orch's executable: a worker starts that executable again with
/// <see cref="Argument"/> and its pid (see <see cref="OrchEngineBuilder.UseJobSupervisor"/>), and the host runs
/// <see cref="Run"/> before anything else.
/// </summary>
public static class JobSupervision
{
    /// <summary>
    /// The first argument of a job supervisor's command line; the worker's pid follows it, then what to undo in the
    /// environment the jobs get (<c>NAME</c> or <c>NAME=VALUE</c>, see <see cref="Run"/>).
    /// </summary>
    public const string Argument = JobSupervisor.Argument;

    /// <summary>True when <paramref name="args"/> start a job supervisor, with the pid of the worker it serves.</summary>
    public static bool IsSupervisor(string[] args, out int workerPid)
    {
        workerPid = 0;
        return args is [Argument, var worker, ..] && int.TryParse(worker, NumberStyles.None, CultureInfo.InvariantCulture, out workerPid);
    }

    /// <summary>
    /// Serves the worker named in <paramref name="args"/> (those <see cref="IsSupervisor"/> accepted) until it has closed
    /// its end and its last job has ended; returns the exit code.
    /// </summary>
    public static int Run(string[] args) =>
        IsSupervisor(args, out var workerPid) ? JobSupervisor.Run(workerPid, args[2..]) : throw new ArgumentException("not a job supervisor's arguments", nameof(args));
}
