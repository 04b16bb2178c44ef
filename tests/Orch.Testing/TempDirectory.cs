namespace Orch.Testing;

/// <summary>A real folder under the temp directory, removed when the test ends.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "orch-tests", Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path);
        // Marks the folder as a repository root, so nothing resolves into the machine's real repositories.
        Directory.CreateDirectory(System.IO.Path.Combine(Path, ".orch"));
    }

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public string Write(string relative, string content)
    {
        var full = Combine(relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
        return full;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A process a test killed may still hold a file for a moment; the temp folder is cleaned by the OS.
        }
    }
}
