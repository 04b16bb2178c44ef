namespace Orch.Testing;

public static class TestData
{
    public static string Path(params string[] parts) => System.IO.Path.Combine([AppContext.BaseDirectory, "TestData", .. parts]);

    public static string LegacyJob(string name) => Path("legacy", "jobs", name);
}
