using Orch.Core.Application;
using Orch.Testing;

namespace Orch.Core.Tests.Testing;

/// <summary>What the MSBuild STATIC check looks at again after an edit.</summary>
[TestClass]
public sealed class IncrementalStaticTests
{
    private static readonly DateTime Earlier = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private static (TempDirectory Dir, string Project, string Result) Project()
    {
        var dir = new TempDirectory();
        var project = dir.Write("p/P.csproj", "<Project />");
        dir.Write("p/A.cs", "class A {}");
        dir.Write("p/B.cs", "class B {}");
        dir.Write("p/obj/Gen.cs", "class G {}");
        var result = dir.Write("p/obj/orch/static.json",
            $$"""{"schema_version":1,"findings":[{"file":"{{dir.Combine("p", "A.cs")}}","line":1,"code":"IDE0055","message":"a","severity":"warning","orch_code":"ORCH1501"},{"file":"{{dir.Combine("p", "B.cs")}}","line":1,"code":"IDE0055","message":"b","severity":"warning","orch_code":"ORCH1501"}]}""");
        foreach (var file in Directory.EnumerateFiles(dir.Path, "*", SearchOption.AllDirectories))
        {
            File.SetLastWriteTimeUtc(file, Earlier);
        }

        File.SetLastWriteTimeUtc(result, Earlier.AddMinutes(1));
        return (dir, project, result);
    }

    [TestMethod]
    public void Since_OneSourceEdited_ChecksOnlyItAndKeepsTheOthersFindings()
    {
        var (dir, project, result) = Project();
        using var _ = dir;
        File.SetLastWriteTimeUtc(dir.Combine("p", "A.cs"), Earlier.AddMinutes(2));
        File.SetLastWriteTimeUtc(dir.Combine("p", "obj", "Gen.cs"), Earlier.AddMinutes(2));

        var (changed, kept) = IncrementalStatic.Since(result, project, dir.Path);

        CollectionAssert.AreEqual(new[] { "A.cs" }, changed!.ToArray(), "generated files under obj/ are not sources");
        Assert.AreEqual("b", kept.Single().Message);
    }

    [TestMethod]
    public void Since_EditorconfigEdited_ChecksEverything()
    {
        var (dir, project, result) = Project();
        using var _ = dir;
        File.SetLastWriteTimeUtc(dir.Write(".editorconfig", "root = true"), Earlier.AddMinutes(2));

        Assert.IsNull(IncrementalStatic.Since(result, project, dir.Path).Changed);
    }

    [TestMethod]
    public void Since_DamagedEarlierResult_ChecksEverything()
    {
        var (dir, project, result) = Project();
        using var _ = dir;
        File.WriteAllText(result, "{ not json");

        Assert.IsNull(IncrementalStatic.Since(result, project, dir.Path).Changed);
    }
}
