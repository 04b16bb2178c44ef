using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using System.Text;
using Orch.Abstractions.Adapters;
using Orch.Adapters.Process;
using Orch.Core.Secrets;
using Orch.Core.Storage;

namespace Orch.Core.Execution;

/// <summary>
/// The only place Orch starts a process. Argv arrays only; on Linux each process leads its own session (through
/// <c>setsid</c>), so a timeout, a Ctrl-C or the end of the job kills the whole tree, including children that left
/// their parent. Output streams line by line, redacted, to the job's log file.
/// </summary>
public sealed partial class ProcessRunner : IProcessLauncher
{
    // Output kept in memory for parsing; the log file keeps everything.
    private const int MaxCapturedChars = 4 * 1024 * 1024;
    private static readonly TimeSpan DrainGrace = TimeSpan.FromSeconds(2);
    private static readonly string? Setsid = OperatingSystem.IsLinux() ? ExecutableLocator.Find("setsid", "/") : null;

    private readonly string? _logFile;
    private readonly SecretRedactor _redactor;
    private readonly TimeProvider _time;
    private readonly Func<ProcessIdentity, Task>? _onStarted;
    private readonly Action<string>? _onOutput;
    private readonly string? _exitMarker;
    private readonly TimeSpan? _stallAfter;

    // Writes the exit code next to the job, so that a worker that dies after its job finished does not make it run twice.
    private const string MarkerScript = "m=$1; shift; \"$@\"; c=$?; printf %s \"$c\" > \"$m\"; exit $c";

    /// <param name="exitMarker">Where the job's own shell records its exit code, for crash recovery; <see langword="null"/> for none.</param>
    /// <param name="stallAfter">How long a process may print nothing before it is killed and <see cref="ToolStalledException"/> is thrown; <see langword="null"/> for no limit.</param>
    public ProcessRunner(string? logFile, SecretRedactor redactor, TimeProvider time, Func<ProcessIdentity, Task>? onStarted = null, Action<string>? onOutput = null,
        string? exitMarker = null, TimeSpan? stallAfter = null)
    {
        _stallAfter = stallAfter;
        _logFile = logFile;
        _redactor = redactor;
        _time = time;
        _onStarted = onStarted;
        _onOutput = onOutput;
        _exitMarker = Setsid is null ? null : exitMarker;
    }

    public async ValueTask<ProcessOutcome> RunAsync(ProcessRequest request, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        var environment = request.Environment.ToDictionary(kv => kv.Key, kv => ExpandReferences(kv.Value), StringComparer.Ordinal);
        var executable = ExecutableLocator.Find(request.Argv[0], request.WorkingDirectory,
            environment.TryGetValue("PATH", out var path) ? path : null);
        if (!Directory.Exists(request.WorkingDirectory))
        {
            return Failed($"working directory '{request.WorkingDirectory}' does not exist");
        }

        if (executable is null)
        {
            return Failed($"executable '{request.Argv[0]}' was not found on PATH; install it or give its full path");
        }

        using var log = OpenLog();
        var gate = new object();
        WriteLog(log, gate, $"$ {_redactor.Redact(string.Join(' ', request.Argv.Select(Quote)))}");

        var info = new ProcessStartInfo
        {
            FileName = Setsid ?? executable,
            WorkingDirectory = request.WorkingDirectory,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        if (_exitMarker is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(_exitMarker)!);
            File.Delete(_exitMarker);
            foreach (var argument in new[] { "/bin/sh", "-c", MarkerScript, "orch-job", _exitMarker })
            {
                info.ArgumentList.Add(argument);
            }
        }

        if (Setsid is not null)
        {
            info.ArgumentList.Add(executable);
        }

        foreach (var argument in request.Argv.Skip(1))
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        using var process = new Process { StartInfo = info };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return Failed($"could not start '{request.Argv[0]}': {ex.Message}");
        }

        var identity = new ProcessIdentity(process.Id, ProcessInfo.StartTicks(process.Id));
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        var lastOutput = new StrongBox<long>(_time.GetTimestamp());
        var readers = Task.WhenAll(
            PumpAsync(process.StandardOutput, stdout, log, gate, "", lastOutput),
            PumpAsync(process.StandardError, stderr, log, gate, "[stderr] ", lastOutput));

        using var timeout = request.Timeout is { } limit ? new CancellationTokenSource(limit, _time) : new CancellationTokenSource();
        using var stall = new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token, stall.Token);
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(linked.Token);
        var watchdog = _stallAfter is { } quiet ? WatchAsync(quiet, lastOutput, stall, watching.Token) : Task.CompletedTask;
        try
        {
            if (_onStarted is not null)
            {
                await _onStarted(identity);
            }

            await WriteInputAsync(process, request.StandardInput);
            await process.WaitForExitAsync(linked.Token);
        }
        catch (OperationCanceledException)
        {
            KillTree(process);
            await process.WaitForExitAsync(CancellationToken.None);
        }
        finally
        {
            await watching.CancelAsync();
            await watchdog;
            // Whatever the job left running in its session dies with it.
            if (Setsid is not null)
            {
                ProcessInfo.KillGroup(process.Id);
            }
        }

        await Task.WhenAny(readers, Task.Delay(DrainGrace, _time, CancellationToken.None));
        if (_exitMarker is not null)
        {
            // This process saw the exit itself; the marker is only for a worker that did not live to see it.
            File.Delete(_exitMarker);
        }

        var duration = _time.GetElapsedTime(started);
        var timedOut = timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested;
        var stalled = stall.IsCancellationRequested && !timedOut && !cancellationToken.IsCancellationRequested;
        WriteLog(log, gate, timedOut ? $"# killed after {request.Timeout!.Value.TotalSeconds:0.###} s (timeout)" :
            stalled ? $"# killed after {_stallAfter!.Value.TotalSeconds:0.###} s without output (stalled)" :
            cancellationToken.IsCancellationRequested ? "# killed (cancelled)" : $"# exit code {process.ExitCode}");
        cancellationToken.ThrowIfCancellationRequested();
        if (stalled)
        {
            throw new ToolStalledException(_stallAfter!.Value);
        }

        return new ProcessOutcome(timedOut ? null : process.ExitCode, timedOut, Snapshot(stdout), Snapshot(stderr), duration);

        ProcessOutcome Failed(string reason)
        {
            using var failedLog = OpenLog();
            WriteLog(failedLog, new object(), $"# {reason}");
            return new ProcessOutcome(null, false, "", "", _time.GetElapsedTime(started), reason);
        }
    }

    /// <summary>Cancels <paramref name="stall"/> once no output line came for <paramref name="quiet"/>.</summary>
    private async Task WatchAsync(TimeSpan quiet, StrongBox<long> lastOutput, CancellationTokenSource stall, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var idle = _time.GetElapsedTime(Interlocked.Read(ref lastOutput.Value));
            if (idle >= quiet)
            {
                await stall.CancelAsync();
                return;
            }

            try
            {
                await Task.Delay(quiet - idle + TimeSpan.FromMilliseconds(50), _time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static void KillTree(Process process)
    {
        if (Setsid is not null && ProcessInfo.KillGroup(process.Id))
        {
            return;
        }

        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private static async Task WriteInputAsync(Process process, string? input)
    {
        try
        {
            if (input is not null)
            {
                await process.StandardInput.WriteAsync(input);
            }

            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The process exited without reading its input; that is its business.
        }
    }

    private async Task PumpAsync(StreamReader reader, StringBuilder capture, StreamWriter? log, object gate, string prefix, StrongBox<long> lastOutput)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            Interlocked.Exchange(ref lastOutput.Value, _time.GetTimestamp());
            var redacted = _redactor.Redact(line);
            lock (capture)
            {
                if (capture.Length < MaxCapturedChars)
                {
                    capture.Append(redacted).Append('\n');
                }
            }

            WriteLog(log, gate, prefix + redacted);
            _onOutput?.Invoke(redacted);
        }
    }

    private StreamWriter? OpenLog()
    {
        if (_logFile is null)
        {
            return null;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(_logFile)!);
        var stream = new FileStream(_logFile, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
        return new StreamWriter(stream, new UTF8Encoding(false)) { AutoFlush = true };
    }

    private static void WriteLog(StreamWriter? log, object gate, string line)
    {
        if (log is null)
        {
            return;
        }

        lock (gate)
        {
            log.WriteLine(line);
        }
    }

    private static string Snapshot(StringBuilder capture)
    {
        lock (capture)
        {
            return capture.ToString();
        }
    }

    private static string Quote(string argument) =>
        argument.Length > 0 && !argument.Any(c => char.IsWhiteSpace(c) || c is '"' or '\'') ? argument : $"'{argument.Replace("'", "'\\''", StringComparison.Ordinal)}'";

    /// <summary>Expands <c>${NAME}</c> from Orch's own environment, so job files can name secrets without holding them.</summary>
    public static string ExpandReferences(string value) =>
        Reference().Replace(value, m => Environment.GetEnvironmentVariable(m.Groups[1].Value) ?? "");

    [GeneratedRegex(@"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")]
    private static partial Regex Reference();
}
