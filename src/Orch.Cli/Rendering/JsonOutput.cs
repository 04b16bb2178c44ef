using System.Text.Json;
using Orch.Core.Serialization;

namespace Orch.Cli.Rendering;

/// <summary>The JSON that commands print. Shapes are versioned by <c>schema_version</c> and documented in docs/cli.md.</summary>
internal static class JsonOutput
{
    public const int SchemaVersion = 1;

    public static void WriteLine<T>(TextWriter writer, T value) => writer.WriteLine(JsonSerializer.Serialize(value, OrchJson.Options));
}
