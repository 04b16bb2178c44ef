using Orch.Core.Planning;

namespace Orch.Core.Tests.Planning;

[TestClass]
public sealed class ScopeMatcherTests
{
    [TestMethod]
    [DataRow("src/", "src/a/b.cs", true)]
    [DataRow("src", "src/a/b.cs", true)]
    [DataRow("src/a.cs", "src/a.cs", true)]
    [DataRow("src/a.cs", "src/a.csx", false)]
    [DataRow("src/", "srcx/a.cs", false)]
    [DataRow("src/**/*.cs", "src/deep/x/y.cs", true)]
    [DataRow("src/*.cs", "src/deep/y.cs", false)]
    [DataRow("./docs/", "docs/index.md", true)]
    public void Allows_FollowsFileFolderAndGlobRules(string entry, string path, bool expected) =>
        Assert.AreEqual(expected, ScopeMatcher.Allows([entry], path));

    [TestMethod]
    [DataRow("src/", "src/a.cs", true)]
    [DataRow("src/a.cs", "src/b.cs", false)]
    [DataRow("src/**/*.cs", "src/x/y.cs", true)]
    [DataRow("src/**", "docs/**", false)]
    [DataRow("src/**", "src/lib/**", true)]
    public void Overlaps_IsSymmetricAndConservative(string a, string b, bool expected)
    {
        Assert.AreEqual(expected, ScopeMatcher.Overlaps([a], [b]));
        Assert.AreEqual(expected, ScopeMatcher.Overlaps([b], [a]));
    }
}
