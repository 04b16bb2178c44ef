namespace Orch.Core.Testing;

/// <summary>How many tests ran, passed, failed and were skipped.</summary>
public sealed record TestTotals(int Total, int Passed, int Failed, int Skipped)
{
    public static TestTotals None { get; } = new(0, 0, 0, 0);

    public static TestTotals operator +(TestTotals a, TestTotals b) =>
        new(a.Total + b.Total, a.Passed + b.Passed, a.Failed + b.Failed, a.Skipped + b.Skipped);
}
