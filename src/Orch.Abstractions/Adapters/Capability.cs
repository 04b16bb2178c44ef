namespace Orch.Abstractions.Adapters;

/// <summary>A kind of work that a tool adapter can do; the router maps work to adapters by capability.</summary>
public enum Capability
{
    /// <summary>Writes new code from an instruction.</summary>
    CodeGeneration,

    /// <summary>Changes existing code without changing behaviour, or fixes findings.</summary>
    Refactoring,

    /// <summary>Runs analyzers and reports findings.</summary>
    Linting,

    /// <summary>Runs tests and reports their results.</summary>
    Testing,

    /// <summary>Works with version control.</summary>
    VersionChecking,
}
