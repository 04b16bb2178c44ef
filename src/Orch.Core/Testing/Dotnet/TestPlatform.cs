using System.Text.Json.Serialization;

namespace Orch.Core.Testing.Dotnet;

/// <summary>How a .NET test project runs its tests.</summary>
public enum TestPlatform
{
    /// <summary>Not a test project.</summary>
    [JsonStringEnumMemberName("none")]
    None,

    /// <summary>VSTest: <c>Microsoft.NET.Test.Sdk</c> and a test adapter; <c>dotnet test</c> takes <c>--logger</c>.</summary>
    [JsonStringEnumMemberName("vstest")]
    VSTest,

    /// <summary>Microsoft.Testing.Platform: the test project is an executable with its own options.</summary>
    [JsonStringEnumMemberName("mtp")]
    TestingPlatform,
}
