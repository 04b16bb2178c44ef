namespace Orch.Core.Application;

/// <summary>
/// One Orch process at a time per plan: a second <c>run</c> or <c>resume</c> of the same plan would work in the same
/// branches and merge twice. The lock is an OS file lock, so it goes with the process that held it, however it died.
/// </summary>
internal sealed class PlanLock : IDisposable
{
    private readonly FileStream _file;

    private PlanLock(FileStream file) => _file = file;

    public static PlanLock? TryTake(string repositoryRoot, string planPath)
    {
        var key = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Path.GetFullPath(planPath))))[..16];
        var path = Path.Combine(repositoryRoot, ".orch", "locks", $"plan-{key}.lock");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        try
        {
            return new PlanLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException)
        {
            return null;
        }
    }

    public void Dispose() => _file.Dispose();
}
