using System.Diagnostics;

namespace Orch.Testing;

/// <summary>A real git repository in a temp folder, with one commit holding the given files.</summary>
public sealed class TestRepository : IDisposable
{
    private readonly TempDirectory _directory = new();

    /// <param name="files">Relative paths and their contents.</param>
    /// <param name="branch">The first branch's name; <see langword="null"/> for git's own default.</param>
    public TestRepository(IReadOnlyDictionary<string, string> files, string? branch = null)
    {
        foreach (var (path, content) in files)
        {
            _directory.Write(path, content);
        }

        if (branch is null)
        {
            Git("init", "-q");
        }
        else
        {
            Git("init", "-q", "-b", branch);
        }

        Git("add", "-A");
        Git("commit", "-q", "-m", "initial");
    }

    public string Path => _directory.Path;

    public string Combine(params string[] parts) => _directory.Combine(parts);

    public string Write(string relative, string content) => _directory.Write(relative, content);

    public string Git(params string[] args)
    {
        var (exit, output, error) = RunGit(Path, args);
        if (exit != 0)
        {
            throw new InvalidOperationException($"git {string.Join(' ', args)} failed: {error}");
        }

        return output.Trim();
    }

    /// <summary>Runs git in any folder as the tests' committer; returns its exit code and what it printed.</summary>
    public static (int Exit, string Output, string Error) RunGit(string directory, params string[] args)
    {
        var info = new ProcessStartInfo("git") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["GIT_AUTHOR_NAME"] = info.Environment["GIT_COMMITTER_NAME"] = "Test";
        info.Environment["GIT_AUTHOR_EMAIL"] = info.Environment["GIT_COMMITTER_EMAIL"] = "test@localhost";
        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output, error.Result);
    }

    public void Dispose() => _directory.Dispose();
}
