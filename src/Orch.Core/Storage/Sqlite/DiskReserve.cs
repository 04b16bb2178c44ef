namespace Orch.Core.Storage.Sqlite;

/// <summary>
/// Space kept aside beside the database (<c>state.db-reserve</c>) for the day the disk fills up. When SQLite reports a
/// full disk, the reserve is deleted and the write tried once more, so a job's result is recorded instead of the job
/// staying "running". It is made again at the next open with room for it.
/// </summary>
internal static class DiskReserve
{
    /// <summary>The reserve's size. The default value is 2 MiB: many times a job's result with its events.</summary>
    public const int Bytes = 2 * 1024 * 1024;

    public static string PathFor(string database) => database + "-reserve";

    /// <summary>Makes the reserve when it is missing; quietly does nothing when there is no room.</summary>
    public static void Ensure(string database)
    {
        var path = PathFor(database);
        if (File.Exists(path))
        {
            return;
        }

        try
        {
            // Written, not just sized: a sparse file would reserve nothing.
            using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
            stream.Write(new byte[Bytes]);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            try
            {
                File.Delete(path);
            }
            catch (Exception cleanup) when (cleanup is IOException or UnauthorizedAccessException)
            {
                // Nothing more to do: the reserve is an aid, not a requirement.
            }
        }
    }

    /// <summary>Deletes the reserve; true when there was one to free.</summary>
    public static bool Release(string database)
    {
        var path = PathFor(database);
        try
        {
            if (!File.Exists(path))
            {
                return false;
            }

            File.Delete(path);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
