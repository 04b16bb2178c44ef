using Orch.Core.Git;
using Orch.Testing;

namespace Orch.Core.Tests.Git;

[TestClass]
[TestCategory(Categories.Process)]
public sealed class DefaultBranchTests
{
    [TestMethod]
    public async Task DefaultBranch_RepositoryOnMaster_IsMaster()
    {
        using var repo = new TestRepository(new Dictionary<string, string> { ["a.txt"] = "a\n" }, branch: "master");
        using var git = new GitClient(TimeProvider.System);

        Assert.AreEqual("master", await git.DefaultBranchAsync(repo.Path, CancellationToken.None));
    }

    [TestMethod]
    public async Task DefaultBranch_CloneWhoseOriginPointsAtTrunk_IsTrunkEvenWithAMainBranch()
    {
        using var origin = new TestRepository(new Dictionary<string, string> { ["a.txt"] = "a\n" }, branch: "trunk");
        using var clone = new TempDirectory();
        origin.Git("clone", "-q", origin.Path, clone.Combine("c"));
        var cloned = clone.Combine("c");
        using var git = new GitClient(TimeProvider.System);
        await git.RunAsync(cloned, ["branch", "main"], CancellationToken.None);

        Assert.AreEqual("trunk", await git.DefaultBranchAsync(cloned, CancellationToken.None));
    }

    [TestMethod]
    public async Task DefaultBranch_NeitherOriginNorMainNorMaster_IsNone()
    {
        using var repo = new TestRepository(new Dictionary<string, string> { ["a.txt"] = "a\n" }, branch: "develop");
        using var git = new GitClient(TimeProvider.System);

        Assert.IsNull(await git.DefaultBranchAsync(repo.Path, CancellationToken.None));
    }
}
