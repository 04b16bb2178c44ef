using System.Text;

namespace Orch.Cli.Rendering;

/// <summary>
/// A table of short one-line cells (ids, statuses, times) in the layout of <see cref="Tables"/>: a header, a rule, a row
/// per line, nothing wrapped. It is for <c>status</c>, which people and scripts run over and over: Spectre's first table
/// costs about 30 ms at start, as much as the rest of the command. Cells are printed as they are, never as markup.
/// </summary>
internal sealed class TextTable(params string[] headers)
{
    private readonly List<string[]> _rows = [];

    public TextTable AddRow(params string[] cells)
    {
        if (cells.Length != headers.Length)
        {
            throw new ArgumentException($"A row has {cells.Length} cells; the table has {headers.Length} columns.", nameof(cells));
        }

        _rows.Add(cells);
        return this;
    }

    public void Write(TextWriter writer)
    {
        var widths = new int[headers.Length];
        for (var i = 0; i < headers.Length; i++)
        {
            widths[i] = headers[i].Length;
            foreach (var row in _rows)
            {
                widths[i] = Math.Max(widths[i], row[i].Length);
            }
        }

        var text = new StringBuilder();
        text.AppendLine();
        Line(text, headers, widths);
        var rule = 0;
        foreach (var width in widths)
        {
            rule += width + 3;
        }

        text.Append(' ').Append('─', rule).AppendLine();
        foreach (var row in _rows)
        {
            Line(text, row, widths);
        }

        text.AppendLine();
        writer.Write(text.ToString());
    }

    // Two spaces before each cell, one more between columns, as Spectre's simple border lays them out; none at the end.
    private static void Line(StringBuilder text, string[] cells, int[] widths)
    {
        var start = text.Length;
        text.Append(' ');
        for (var i = 0; i < cells.Length; i++)
        {
            text.Append(' ').Append(cells[i]).Append(' ', widths[i] - cells[i].Length + 2);
        }

        var end = text.Length;
        while (end > start && text[end - 1] == ' ')
        {
            end--;
        }

        text.Length = end;
        text.AppendLine();
    }
}
