namespace Orch.Core.Testing.Dotnet;

/// <summary>
/// Decides from a project's evaluated properties and package references whether it is a test project, on which
/// platform, with which framework, and whether it can write TRX. MSBuild's own answer wins; the package references
/// decide when a project is evaluated before restore, when the test packages' props are not imported yet.
/// </summary>
public static class TestPlatformDetector
{
    /// <summary>The packages that make a Microsoft.Testing.Platform project write TRX (MSTest's and TUnit's meta-packages bring the extension).</summary>
    private static readonly string[] TrxPackages = ["Microsoft.Testing.Extensions.TrxReport", "MSTest", "TUnit"];

    public static (TestPlatform Platform, string? Framework) Classify(Func<string, string> property, IReadOnlyCollection<string> packages, string sdk = "")
    {
        bool Has(string name) => packages.Contains(name, StringComparer.OrdinalIgnoreCase);
        bool HasPrefix(string prefix) => packages.Any(p => p.StartsWith(prefix, StringComparison.OrdinalIgnoreCase));
        bool True(string name) => string.Equals(property(name), "true", StringComparison.OrdinalIgnoreCase);
        bool False(string name) => string.Equals(property(name), "false", StringComparison.OrdinalIgnoreCase);

        var mstestSdk = True("UsingMSTestSdk") || sdk.StartsWith("MSTest.Sdk", StringComparison.OrdinalIgnoreCase);
        var framework = HasPrefix("xunit.v3") ? "xunit.v3"
            : mstestSdk || HasPrefix("MSTest") ? "mstest"
            : HasPrefix("TUnit") ? "tunit"
            : HasPrefix("NUnit") ? "nunit"
            : HasPrefix("xunit") ? "xunit"
            : null;
        var vstestAdapter = Has("Microsoft.NET.Test.Sdk") && (Has("xunit.runner.visualstudio") || Has("NUnit3TestAdapter") || Has("MSTest.TestAdapter") || Has("MSTest"));
        var testingPlatform =
            True("EnableMSTestRunner") || True("EnableNUnitRunner") || True("UseMicrosoftTestingPlatformRunner") || framework == "tunit"
            || (mstestSdk && !True("UseVSTest"))
            || (framework == "xunit.v3" && !vstestAdapter)
            || (True("IsTestingPlatformApplication") && !vstestAdapter);
        if (testingPlatform && !False("IsTestingPlatformApplication"))
        {
            return (TestPlatform.TestingPlatform, framework);
        }

        return True("IsTestProject") || Has("Microsoft.NET.Test.Sdk") ? (TestPlatform.VSTest, framework) : (TestPlatform.None, null);
    }

    /// <summary>
    /// Whether a Microsoft.Testing.Platform project can write TRX: its restored packages (<c>project.assets.json</c>)
    /// hold the TRX extension, or, before restore, it references a package that brings it.
    /// </summary>
    public static bool HasTrxReport(string? assetsFile, IReadOnlyCollection<string> packages)
    {
        if (assetsFile is not null && File.Exists(assetsFile))
        {
            return File.ReadAllText(assetsFile).Contains("\"Microsoft.Testing.Extensions.TrxReport/", StringComparison.OrdinalIgnoreCase);
        }

        return packages.Any(p => TrxPackages.Contains(p, StringComparer.OrdinalIgnoreCase));
    }
}
