namespace Orch.Core.Diagnostics;

/// <summary>A loaded value, or the reasons it could not be loaded; warnings may come with a value.</summary>
public sealed record LoadResult<T>(T? Value, IReadOnlyList<OrchDiagnostic> Diagnostics) where T : class
{
    public bool Succeeded => Value is not null && !Diagnostics.Any(d => d.IsError);
}
