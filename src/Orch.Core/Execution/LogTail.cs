namespace Orch.Core.Execution;

/// <summary>The end of a job's log, read without the rest: a log can be gigabytes, and only its end says why a job ended.</summary>
public static class LogTail
{
    /// <summary>The last <paramref name="windowBytes"/> of <paramref name="logFile"/> as text; empty when there is no log.</summary>
    public static string Read(string logFile, int windowBytes = 64 * 1024)
    {
        if (!File.Exists(logFile))
        {
            return "";
        }

        using var stream = new FileStream(logFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        stream.Seek(Math.Max(0, stream.Length - windowBytes), SeekOrigin.Begin);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>The last <paramref name="count"/> non-empty lines of <paramref name="logFile"/>.</summary>
    public static string Lines(string logFile, int count)
    {
        var all = Read(logFile).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return string.Join('\n', all.Skip(Math.Max(0, all.Length - count)));
    }
}
