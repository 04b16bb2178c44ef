using System.Runtime.CompilerServices;
using System.Xml.Linq;
using Microsoft.Build.Locator;
using Orch.Core.Testing.Dotnet;

namespace Orch.Core.Bootstrap;

/// <summary>
/// Evaluates projects with the MSBuild of the installed .NET SDK, the engine <c>dotnet build</c> uses, so imported
/// props, Directory.Build.props and SDK defaults (IsTestProject from the test SDK) all count. When MSBuild cannot
/// evaluate a project, the project file itself is read and the result says so.
/// </summary>
public sealed class MsBuildProjectEvaluator : IDotnetProjectEvaluator
{
    private static readonly Lock RegistrationGate = new();

    public DotnetProject Evaluate(string projectPath)
    {
        try
        {
            EnsureRegistered();
            return EvaluateWithMsBuild(projectPath);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return ReadProjectFile(projectPath, $"project file (MSBuild evaluation failed: {ex.GetType().Name}: {ex.Message.Split('\n')[0]})");
        }
    }

    /// <summary>The locator must run before the first MSBuild type loads; MSBuild is process-wide, so registration is too.</summary>
    private static void EnsureRegistered()
    {
        lock (RegistrationGate)
        {
            if (!MSBuildLocator.IsRegistered)
            {
                MSBuildLocator.RegisterDefaults();
            }
        }
    }

    // No inlining: the JIT must not load Microsoft.Build types before EnsureRegistered has run.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static DotnetProject EvaluateWithMsBuild(string projectPath)
    {
        using var collection = new Microsoft.Build.Evaluation.ProjectCollection();
        var project = collection.LoadProject(projectPath);
        var frameworks = Split(project.GetPropertyValue("TargetFrameworks"));
        if (frameworks.Count == 0 && project.GetPropertyValue("TargetFramework") is { Length: > 0 } single)
        {
            frameworks = [single];
        }

        var packages = project.GetItems("PackageReference").Select(i => i.EvaluatedInclude).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var (platform, framework) = TestPlatformDetector.Classify(project.GetPropertyValue, packages);
        return new DotnetProject(projectPath, frameworks, platform, framework, packages, project.GetItems("Analyzer").Count, "msbuild")
        {
            TrxReport = platform == TestPlatform.TestingPlatform && TestPlatformDetector.HasTrxReport(project.GetPropertyValue("ProjectAssetsFile") is { Length: > 0 } a ? a : null, packages),
        };
    }

    private static DotnetProject ReadProjectFile(string projectPath, string evaluatedBy)
    {
        var xml = XDocument.Load(projectPath);
        var properties = xml.Descendants().Where(e => e.Parent?.Name.LocalName == "PropertyGroup").ToDictionary(e => e.Name.LocalName, e => e.Value, StringComparer.OrdinalIgnoreCase);
        var frameworks = Split(properties.GetValueOrDefault("TargetFrameworks") ?? properties.GetValueOrDefault("TargetFramework"));
        var packages = xml.Descendants().Where(e => e.Name.LocalName == "PackageReference").Select(e => (string?)e.Attribute("Include") ?? "")
            .Where(p => p.Length > 0).ToList();
        var sdk = (string?)xml.Root?.Attribute("Sdk") ?? "";
        var (platform, framework) = TestPlatformDetector.Classify(name => properties.GetValueOrDefault(name) ?? "", packages, sdk);
        return new DotnetProject(projectPath, frameworks, platform, framework, packages, 0, evaluatedBy)
        {
            TrxReport = platform == TestPlatform.TestingPlatform && TestPlatformDetector.HasTrxReport(null, packages),
        };
    }

    private static List<string> Split(string? value) =>
        (value ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
}
