using Npgsql;

namespace Orch.Core.Storage.Postgres;

/// <summary>Turns PostgreSQL's errors into what a person can act on, by SQLSTATE class; never with the password.</summary>
internal static class PostgresFaults
{
    /// <summary>The fault behind <paramref name="ex"/>, or <see langword="null"/> for one Orch does not expect (a bug to report).</summary>
    public static StateDatabaseException? Describe(NpgsqlException ex, string display)
    {
        if (ex is not PostgresException pg)
        {
            // No answer from the server at all: refused, timed out, or the connection dropped.
            return Unavailable(display, ex.InnerException?.Message ?? ex.Message, ex);
        }

        return pg.SqlState switch
        {
            "28P01" or "28000" => new StateDatabaseException(display, $"{display} refused the login: {pg.MessageText}.",
                "Check the user and password (in the address, PGPASSWORD or ~/.pgpass) and pg_hba.conf.", ex, StateDatabaseFault.NotADatabase),
            "3D000" => new StateDatabaseException(display, $"{display}: {pg.MessageText}.",
                "Create it first (createdb NAME), or point --db or ORCH_DB at one that exists.", ex, StateDatabaseFault.NotADatabase),
            "42501" => new StateDatabaseException(display, $"{display}: {pg.MessageText}.",
                "Orch's user needs to create tables in the database the first time (GRANT CREATE ON SCHEMA public TO USER), then read and write them.", ex,
                StateDatabaseFault.ReadOnly),
            "25006" => new StateDatabaseException(display, $"{display} is read-only here ({pg.MessageText}).",
                "Point Orch at the primary server; a standby can only be read.", ex, StateDatabaseFault.ReadOnly),
            "40001" or "40P01" or "55P03" => new StateDatabaseException(display, $"{display}: {pg.MessageText}.",
                "Another Orch process held what this write needed; run the command again. Nothing stored was lost.", ex, StateDatabaseFault.Locked),
            "53100" => new StateDatabaseException(display, $"{display} could not be written: {pg.MessageText}.",
                "Free space on the database server; everything recorded before stays recorded.", ex, StateDatabaseFault.DiskFull),
            _ when pg.SqlState.StartsWith("08", StringComparison.Ordinal) || pg.SqlState.StartsWith("57P", StringComparison.Ordinal) || pg.SqlState == "53300" =>
                Unavailable(display, pg.MessageText, ex),
            _ => null,
        };
    }

    public static StateDatabaseException Unavailable(string display, string detail, Exception? inner) =>
        new(display, $"{display} is out of reach: {detail.TrimEnd('.')}.",
            "Check that the server runs and this host may reach it; workers keep trying and pick up where they were. Nothing stored was lost.",
            inner, StateDatabaseFault.Unavailable);
}
