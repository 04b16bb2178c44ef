namespace Orch.Core.Bootstrap;

/// <summary>Reads a .NET project's target frameworks, test-ness, packages and analyzers.</summary>
public interface IDotnetProjectEvaluator
{
    DotnetProject Evaluate(string projectPath);
}
