using System.Runtime.InteropServices;

namespace Orch.Cli.Hosting;

/// <summary>
/// SIGINT, SIGTERM and SIGHUP (a closed terminal, an SSH session that dropped) cancel the command the same way: jobs are
/// killed with their process trees, the state is recorded, and the exit code says which signal it was (128 + its
/// number, as a shell reports it). A second signal is not caught, so it ends the process at once.
/// </summary>
internal sealed class TerminationSignals : IDisposable
{
    private readonly CancellationTokenSource _cancel = new();
    private readonly List<PosixSignalRegistration> _registrations = [];
    private int _signal;

    public TerminationSignals()
    {
        Register(PosixSignal.SIGINT, 2);
        Register(PosixSignal.SIGTERM, 15);
        if (!OperatingSystem.IsWindows())
        {
            Register(PosixSignal.SIGHUP, 1);
        }
    }

    public CancellationToken Token => _cancel.Token;

    /// <summary>The number of the first signal received, or 0.</summary>
    public int Signal => Volatile.Read(ref _signal);

    /// <summary>A cancelled command's exit code, made to name the signal that cancelled it.</summary>
    public int ExitCodeFor(int exitCode) => exitCode == ExitCodes.Cancelled && Signal > 0 ? 128 + Signal : exitCode;

    private void Register(PosixSignal signal, int number) =>
        _registrations.Add(PosixSignalRegistration.Create(signal, context =>
        {
            if (Interlocked.CompareExchange(ref _signal, number, 0) != 0)
            {
                // The second signal: the default action, which ends the process now.
                return;
            }

            context.Cancel = true;
            _cancel.Cancel();
        }));

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _cancel.Dispose();
    }
}
