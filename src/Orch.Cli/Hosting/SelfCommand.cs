namespace Orch.Cli.Hosting;

/// <summary>How to start this same Orch again in a child process: the apphost, or <c>dotnet</c> with this assembly.</summary>
internal static class SelfCommand
{
    public static string[] Get()
    {
        var process = Environment.ProcessPath ?? "dotnet";
        return string.Equals(Path.GetFileNameWithoutExtension(process), "dotnet", StringComparison.OrdinalIgnoreCase)
            ? [process, typeof(OrchCli).Assembly.Location]
            : [process];
    }
}
