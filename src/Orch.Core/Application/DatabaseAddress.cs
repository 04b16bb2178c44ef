using Orch.Core.Storage.Postgres;

namespace Orch.Core.Application;

/// <summary>Where the state lives: a SQLite file (the default) or a PostgreSQL server (<c>postgres://…</c>), as hosts resolve and print it.</summary>
public static class DatabaseAddress
{
    /// <summary>True for a <c>postgres://</c> or <c>postgresql://</c> address.</summary>
    public static bool IsServer(string address) => PostgresStateStore.IsAddress(address);

    /// <summary>
    /// What <c>--db</c> or <c>ORCH_DB</c> named (<paramref name="configured"/>), else the <c>database</c> of
    /// <c>.orch/orch.yaml</c>, else the repository's default file; a file is made absolute.
    /// </summary>
    public static string Resolve(string? configured, string repositoryRoot) =>
        string.IsNullOrEmpty(configured) ? Settings.ProjectSettings.DatabaseIn(repositoryRoot) ?? Path.Combine(repositoryRoot, ".orch", "state.db")
        : IsServer(configured) ? configured
        : Path.GetFullPath(configured);

    /// <summary>The address as messages and reports name it: a server's without its password; a file's path as it is.</summary>
    public static string Display(string address) => IsServer(address) ? PostgresStateStore.Display(address) : address;
}
