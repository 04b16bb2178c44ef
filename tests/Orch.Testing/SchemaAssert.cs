using System.Text.Json;
using Json.Schema;
using Orch.Core.Schemas;

namespace Orch.Testing;

/// <summary>Asserts that JSON Orch printed matches the schema it publishes for it, listing every mismatch.</summary>
public static class SchemaAssert
{
    public static void Valid(string schema, JsonElement json)
    {
        var result = SchemaCatalog.Get(schema).Evaluate(json, new EvaluationOptions { OutputFormat = OutputFormat.List });
        var errors = (result.Details ?? []).Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"));
        Assert.IsTrue(result.IsValid, $"{json}\n does not match {schema}:\n{string.Join('\n', errors)}");
    }

    public static void Valid(string schema, string json) => Valid(schema, JsonDocument.Parse(json).RootElement);
}
