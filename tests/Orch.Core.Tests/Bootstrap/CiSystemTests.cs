using Orch.Core.Bootstrap;

namespace Orch.Core.Tests.Bootstrap;

[TestClass]
public sealed class CiSystemTests
{
    [TestMethod]
    [DataRow(".github/workflows/build.yml", "github-actions")]
    [DataRow("appveyor.yml", "appveyor")]
    [DataRow(".appveyor.yml", "appveyor")]
    [DataRow("azure-pipelines.yml", "azure-pipelines")]
    [DataRow(".azure-pipelines/ci.yaml", "azure-pipelines")]
    [DataRow(".gitlab-ci.yml", "gitlab")]
    [DataRow("Jenkinsfile", "jenkins")]
    [DataRow(".circleci/config.yml", "circleci")]
    public void Of_ACiSystemsFile_NamesTheSystem(string path, string id) => Assert.AreEqual(id, CiSystem.Of(path)?.Id);

    [TestMethod]
    [DataRow("docs/appveyor.md")]
    [DataRow(".github/workflows/README.md")]
    [DataRow("src/Jenkinsfile.cs")]
    public void Of_OtherFiles_IsNoCiSystem(string path) => Assert.IsNull(CiSystem.Of(path));
}
