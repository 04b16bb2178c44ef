using System.Diagnostics;
using System.Globalization;
using Orch.Testing;

namespace Orch.Reliability.Tests.HostileInput;

/// <summary>Whatever a tool prints, Orch's memory and its log stay bounded; children get default signal dispositions.</summary>
[TestClass]
[TestCategory(Categories.Process)]
[TestCategory(Categories.Reliability)]
public sealed class OutputFloodTests
{
    private const long MiB = 1024 * 1024;

    [TestMethod]
    public async Task Job_PrintingOneEndlessLine_KeepsMemoryBoundedAndSaysWhatWasDropped()
    {
        using var repo = new TempDirectory();
        repo.Write("job.yaml", "id: line\ncommand: \"head -c 300000000 /dev/zero | tr '\\\\0' x; echo; echo after\"\ntimeout_seconds: 300\n");

        var (exit, peak, output) = await RunMeasuredAsync(repo, "job", "run", "job.yaml");

        Assert.AreEqual(0, exit, output);
        Assert.IsTrue(peak < 300 * MiB, $"peak resident memory {peak / MiB} MiB for a 300 MB line; it must not grow with the line");
        var log = Directory.GetFiles(repo.Combine(".orch", "logs"), "*.log").Single();
        var text = File.ReadAllText(log);
        StringAssert.Contains(text, "more characters of this line dropped]");
        StringAssert.Contains(text, "after");
        Assert.IsTrue(new FileInfo(log).Length < 1 * MiB, "the log keeps the start of the line, not all of it");
    }

    [TestMethod]
    public async Task Job_PrintingHundredsOfMegabytesOfLines_RotatesItsLogAndKeepsMemoryBounded()
    {
        using var repo = new TempDirectory();
        repo.Write("job.yaml", "id: flood\ncommand: \"yes 'a line of output, again and again' | head -c 300000000; echo last line\"\ntimeout_seconds: 600\n");

        var (exit, peak, output) = await RunMeasuredAsync(repo, "job", "run", "job.yaml", "-v", "q");

        Assert.AreEqual(0, exit, output);
        Assert.IsTrue(peak < 300 * MiB, $"peak resident memory {peak / MiB} MiB");
        var logs = Directory.GetFiles(repo.Combine(".orch", "logs"));
        var log = logs.Single(f => f.EndsWith(".log", StringComparison.Ordinal));
        Assert.IsTrue(logs.Any(f => f.EndsWith(".log.1", StringComparison.Ordinal)), "the full log was rotated");
        Assert.IsTrue(logs.Sum(f => new FileInfo(f).Length) <= 2 * 64 * MiB + MiB, "at most two logs' worth is kept");
        var head = File.ReadLines(log).First();
        StringAssert.StartsWith(head, "# log rotated at");
        StringAssert.Contains(head, "bytes before that were dropped");
        StringAssert.Contains(File.ReadAllText(log), "last line");
    }

    [TestMethod]
    public async Task Job_StartsWithDefaultSignals_SoAClosedPipeEndsAWriterQuietly()
    {
        using var repo = new TempDirectory();
        repo.Write("job.yaml", "id: pipe\ncommand: \"grep SigIgn /proc/self/status; yes | head -n 1\"\n");

        var (exit, output, error) = await OrchProcess.RunAsync(repo, "job", "run", "job.yaml", "-v", "n");

        Assert.AreEqual(0, exit, output + error);
        var log = File.ReadAllText(Directory.GetFiles(repo.Combine(".orch", "logs"), "*.log").Single());
        var ignored = long.Parse(log.Split("SigIgn:")[1].Trim().Split('\n')[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        Assert.AreEqual(0, ignored & (1 << (13 - 1)), $"SIGPIPE is not ignored in the job: {log}");
        Assert.IsFalse(log.Contains("Broken pipe", StringComparison.Ordinal), log);
    }

    /// <summary>Runs dotnet orch and samples its peak resident memory (VmHWM) until it exits.</summary>
    private static async Task<(int Exit, long PeakBytes, string Output)> RunMeasuredAsync(TempDirectory repo, params string[] args)
    {
        using var process = OrchProcess.Start(repo, args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        long peak = 0;
        var clock = Stopwatch.StartNew();
        while (!process.HasExited && clock.Elapsed < TimeSpan.FromMinutes(5))
        {
            peak = Math.Max(peak, PeakOf(process.Id));
            await Task.Delay(20);
        }

        await process.WaitForExitAsync();
        return (process.ExitCode, peak, await stdout + await stderr);
    }

    private static long PeakOf(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(':')[1].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }
}
