using System.Globalization;
using System.Text.RegularExpressions;

namespace Orch.Core.Workflow;

/// <summary>
/// What a workstream job is, read from the name the runner gives it (<c>WORKSTREAM:LABEL</c>): the EDIT
/// (<c>EDIT-1</c>), a FIX round (<c>STATIC-FIX-2</c>) or a check (<c>static-2-1</c>: phase, round, command; a dotnet
/// check's parts add <c>-build</c> and the like). One reader, so reports, estimates and views agree.
/// </summary>
/// <param name="Workstream">The workstream.</param>
/// <param name="Kind">edit, fix or check.</param>
/// <param name="Phase"><c>static</c> or <c>runtime</c> for a FIX or a check; <see langword="null"/> for the EDIT.</param>
/// <param name="Round">The EDIT's attempt, the FIX round, or the check's round.</param>
/// <param name="Command">For a check, which of the phase's commands (1 for the first); else 0.</param>
public sealed partial record JobName(string Workstream, JobKind Kind, string? Phase, int Round, int Command)
{
    /// <summary>Reads a job's name; <see langword="null"/> for a job that is none of the three (a hook, a baseline check, a plain job).</summary>
    public static JobName? Parse(string name)
    {
        var colon = name.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            return null;
        }

        var (workstream, label) = (name[..colon], name[(colon + 1)..]);
        if (Edit().Match(label) is { Success: true } edit)
        {
            return new JobName(workstream, JobKind.Edit, null, Number(edit.Groups[1]), 0);
        }

        if (Fix().Match(label) is { Success: true } fix)
        {
            return new JobName(workstream, JobKind.Fix, fix.Groups[1].Value.ToLowerInvariant(), Number(fix.Groups[2]), 0);
        }

        return Check().Match(label) is { Success: true } check
            ? new JobName(workstream, JobKind.Check, check.Groups[1].Value, Number(check.Groups[2]), Number(check.Groups[3]))
            : null;
    }

    /// <summary>How a live view names the step: <c>EDIT</c>, <c>STATIC FIX 1</c>, <c>STATIC check 2</c>.</summary>
    public string Display => Kind switch
    {
        JobKind.Edit => "EDIT",
        JobKind.Fix => $"{Phase!.ToUpperInvariant()} FIX {Round}",
        _ => $"{Phase!.ToUpperInvariant()} check {Round}",
    };

    private static int Number(Group group) => int.Parse(group.Value, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^EDIT-(\d+)$", RegexOptions.IgnoreCase)]
    private static partial Regex Edit();

    [GeneratedRegex(@"^(static|runtime)-fix-(\d+)$", RegexOptions.IgnoreCase)]
    private static partial Regex Fix();

    [GeneratedRegex(@"^(static|runtime)-(\d+)-(\d+)(?:-[a-z0-9-]+)?$")]
    private static partial Regex Check();
}

/// <summary>The kinds of workstream job <see cref="JobName"/> tells apart.</summary>
public enum JobKind
{
    Edit,
    Fix,
    Check,
}
