using System.Text;

namespace Orch.Core.Execution;

/// <summary>
/// Splits a process's output into lines as it arrives, in chunks of any size, never holding a whole line: a line longer
/// than <c>maxLineChars</c> is cut, and the rest of it is counted and dropped as it arrives, so memory stays bounded
/// whatever the process prints. <c>"\r\n"</c> ends one line, and so does a lone <c>"\r"</c> (progress bars), as
/// <see cref="TextReader.ReadLine"/> treats them. Each line goes to <c>onLine</c> with the count of its characters dropped.
/// </summary>
internal sealed class OutputLines(int maxLineChars, Action<string, long> onLine)
{
    private readonly StringBuilder _line = new();
    private long _dropped;
    private bool _afterCr;

    /// <summary>Takes the next piece of output.</summary>
    public void Feed(ReadOnlySpan<char> chunk)
    {
        var start = 0;
        for (var i = 0; i < chunk.Length; i++)
        {
            var c = chunk[i];
            if (c is not ('\n' or '\r'))
            {
                _afterCr = false;
                continue;
            }

            if (c == '\n' && _afterCr && i == start)
            {
                _afterCr = false;
                start = i + 1;
                continue;
            }

            Append(chunk[start..i]);
            Emit();
            _afterCr = c == '\r';
            start = i + 1;
        }

        Append(chunk[start..]);
    }

    /// <summary>The output has ended: a last line without its newline is given too.</summary>
    public void Finish()
    {
        if (_line.Length > 0 || _dropped > 0)
        {
            Emit();
        }
    }

    private void Append(ReadOnlySpan<char> text)
    {
        var take = Math.Min(Math.Max(0, maxLineChars - _line.Length), text.Length);
        _line.Append(text[..take]);
        _dropped += text.Length - take;
    }

    private void Emit()
    {
        var line = _line.ToString();
        var dropped = _dropped;
        _line.Clear();
        _dropped = 0;
        onLine(line, dropped);
    }
}
