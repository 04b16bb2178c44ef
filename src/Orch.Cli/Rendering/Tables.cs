using Spectre.Console;
using Spectre.Console.Rendering;

namespace Orch.Cli.Rendering;

/// <summary>Orch's tables: ids, statuses and times never wrap, so they can be copied whole; only free text wraps.</summary>
internal static class Tables
{
    private static readonly HashSet<string> Whole = new(StringComparer.Ordinal)
    {
        "job", "run", "workstream", "tool", "profile", "status", "stop reason", "started", "finished", "queued", "exit", "attempts", "checks", "spent",
    };

    public static Table New(params string[] headers)
    {
        var table = new Table().Border(TableBorder.Simple);
        foreach (var header in headers)
        {
            var column = new TableColumn(header);
            table.AddColumn(Whole.Contains(header) ? column.NoWrap() : column);
        }

        return table;
    }

    /// <summary>
    /// Writes <paramref name="table"/> no narrower than its whole ids need: on a narrow terminal the lines run long and
    /// the terminal wraps them, instead of Spectre splitting an id over two rows.
    /// </summary>
    public static void Write(IAnsiConsole console, Table table)
    {
        var options = RenderOptions.Create(console, console.Profile.Capabilities);
        var needed = 0;
        for (var i = 0; i < table.Columns.Count; i++)
        {
            var column = table.Columns[i];
            var widest = table.Rows.Select(r => r[i]).Append(column.Header)
                .Max(cell => cell.Measure(options, int.MaxValue).Max);
            needed += (column.NoWrap ? widest : Math.Min(widest, 12)) + (column.Padding?.Left ?? 1) + (column.Padding?.Right ?? 1) + 1;
        }

        var width = console.Profile.Width;
        if (needed > width)
        {
            console.Profile.Width = needed;
        }

        try
        {
            console.Write(table);
        }
        finally
        {
            console.Profile.Width = width;
        }
    }
}
