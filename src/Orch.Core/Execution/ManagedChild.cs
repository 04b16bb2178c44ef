using System.Diagnostics;
using System.Text;
using Orch.Adapters.Process;

namespace Orch.Core.Execution;

/// <summary>The portable child: <see cref="Process"/>, behind <c>setsid</c> and <c>env --default-signal</c> where they exist.</summary>
internal sealed class ManagedChild : ChildProcess
{
    private static readonly string? Setsid = OperatingSystem.IsLinux() ? ExecutableLocator.Find("setsid", "/") : null;
    private readonly Process _process;

    private ManagedChild(Process process) => _process = process;

    public override int Id => _process.Id;

    public override Stream StandardInput => _process.StandardInput.BaseStream;

    public override StreamReader StandardOutput => _process.StandardOutput;

    public override StreamReader StandardError => _process.StandardError;

    public override bool LeadsGroup => Setsid is not null;

    public static new ManagedChild Start(IReadOnlyList<string> argv, string workingDirectory, IReadOnlyDictionary<string, string> environment)
    {
        var info = new ProcessStartInfo
        {
            FileName = Setsid ?? argv[0],
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        var arguments = Setsid is null ? argv.Skip(1) : (ChildSignals.ResetCommand ?? []).Concat(argv);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        var process = new Process { StartInfo = info };
        try
        {
            process.Start();
            return new ManagedChild(process);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            process.Dispose();
            throw new ChildStartException(ex.Message);
        }
    }

    public override async Task<int> WaitForExitAsync(CancellationToken cancellationToken)
    {
        await _process.WaitForExitAsync(cancellationToken);
        return _process.ExitCode;
    }

    protected override void KillSelf()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    public override void Dispose() => _process.Dispose();
}
