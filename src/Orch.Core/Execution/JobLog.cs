using System.Text;

namespace Orch.Core.Execution;

/// <summary>
/// A job's log file: its header line, then line writes from several output streams, rotated at
/// <see cref="OutputLimits.MaxLogBytes"/>. A write that fails (a full disk) stops the logging, never the job: the job's
/// result still has to be recorded.
/// </summary>
internal sealed class JobLog : IDisposable
{
    private static readonly UTF8Encoding Utf8 = new(false);
    private readonly string? _path;
    private readonly long _maxBytes;
    private readonly long _keepFree;
    private long _sinceCheck;
    private readonly object _gate = new();
    private FileStream? _stream;
    private long _rotated;
    private string? _pendingHeader;
    private bool _unopened;

    /// <param name="header">The log's first line (the command).</param>
    /// <param name="deferred">
    /// Makes the file only at the first output line or at <see cref="Finish"/>: a process that prints nothing and ends
    /// well leaves no file, which spares a queue of quiet jobs a file creation each.
    /// </param>
    public JobLog(string? path, OutputLimits limits, string? header = null, bool deferred = false)
    {
        _path = path;
        _maxBytes = Math.Max(4096, limits.MaxLogBytes);
        _keepFree = limits.KeepFreeBytes;
        if (path is null)
        {
            return;
        }

        _pendingHeader = header;
        _unopened = deferred;
        if (!deferred)
        {
            OpenAndWriteHeader();
        }
    }

    private void OpenAndWriteHeader()
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
            _stream = Open(_path!, FileMode.Append);
            _sinceCheck = CheckEvery;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Failure = ex.Message;
            return;
        }

        if (_pendingHeader is { } header)
        {
            _pendingHeader = null;
            WriteLine(header);
        }
    }

    /// <summary>
    /// Writes the last line. A deferred log that nothing was written to is left unmade when <paramref name="keep"/> is
    /// false and no earlier attempt made the file.
    /// </summary>
    public void Finish(string trailer, bool keep)
    {
        lock (_gate)
        {
            if (_path is null || (_unopened && !keep && !File.Exists(_path)))
            {
                return;
            }
        }

        WriteLine(trailer);
    }

    /// <summary>Why the log stopped being written, or <see langword="null"/>.</summary>
    public string? Failure { get; private set; }

    public void WriteLine(string line)
    {
        lock (_gate)
        {
            if (_unopened)
            {
                _unopened = false;
                OpenAndWriteHeader();
            }

            if (_stream is null)
            {
                return;
            }

            try
            {
                var bytes = Utf8.GetBytes(line + "\n");
                _sinceCheck += bytes.Length;
                if (_sinceCheck >= CheckEvery && StopIfDiskLow())
                {
                    return;
                }

                if (_stream.Length + bytes.Length > _maxBytes && _stream.Length > 0)
                {
                    Rotate();
                }

                _stream.Write(bytes);
                _stream.Flush();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ObjectDisposedException)
            {
                // Logging stops; the job goes on. Nothing here may throw: the output pumps must keep draining the pipes.
                Failure = ex.Message;
                Close();
            }
        }
    }

    private const long CheckEvery = 1024 * 1024;

    private bool StopIfDiskLow()
    {
        _sinceCheck = 0;
        long free;
        try
        {
            free = new DriveInfo(Path.GetDirectoryName(_path)!).AvailableFreeSpace;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return false;
        }

        if (free >= _keepFree)
        {
            return false;
        }

        Failure = $"only {free:N0} bytes were free on the disk";
        _stream!.Write(Utf8.GetBytes($"# logging stopped: only {free:N0} bytes free on this disk (Orch keeps {_keepFree:N0}); later output was dropped\n"));
        Close();
        return true;
    }

    private void Rotate()
    {
        var size = _stream!.Length;
        _stream.Dispose();
        var previous = _path + ".1";
        var dropped = _rotated > 0 ? $"; {_rotated:N0} bytes before that were dropped" : "";
        File.Move(_path!, previous, overwrite: true);
        _rotated += size;
        _stream = Open(_path!, FileMode.Create);
        var note = Utf8.GetBytes($"# log rotated at {_maxBytes:N0} bytes: the previous {size:N0} bytes are in {Path.GetFileName(previous)}{dropped}\n");
        _stream.Write(note);
    }

    // Unbuffered: each line goes to the file as it is written, and a failed write leaves nothing behind to flush.
    private static FileStream Open(string path, FileMode mode) =>
        new(path, mode, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);

    private void Close()
    {
        try
        {
            _stream?.Dispose();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The file is given up either way.
        }

        _stream = null;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            Close();
        }
    }
}
