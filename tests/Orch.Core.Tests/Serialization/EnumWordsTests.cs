using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Orch.Core.Jobs;
using Orch.Core.Serialization;
using Orch.Core.Storage;

namespace Orch.Core.Tests.Serialization;

[TestClass]
public sealed class EnumWordsTests
{
    // Every enum Orch words: those of its own assemblies.
    private static IEnumerable<object[]> Enums() =>
        new[] { typeof(JobStatus).Assembly, typeof(Abstractions.Adapters.ToolResult).Assembly }
            .SelectMany(assembly => assembly.GetTypes())
            .Where(type => type.IsEnum && !type.ContainsGenericParameters)
            .Select(type => new object[] { type });

    [TestMethod]
    public void Enums_AreFoundInOrchsAssemblies() => Assert.IsTrue(Enums().Count() > 10);

    [TestMethod]
    [DynamicData(nameof(Enums))]
    public void EnumText_OfEveryValue_IsItsMemberNameAttribute_ElseSnakeCase_AndParsesBack(Type type)
    {
        foreach (var field in type.GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            var value = field.GetValue(null)!;
            var expected = field.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? JsonNamingPolicy.SnakeCaseLower.ConvertName(field.Name);
            Assert.AreEqual(expected, Call(nameof(OrchJson.EnumText), type, value), $"{type.Name}.{field.Name}");
            if (expected.Replace("_", "", StringComparison.Ordinal).Equals(field.Name, StringComparison.OrdinalIgnoreCase))
            {
                Assert.AreEqual(value, Call(nameof(OrchJson.ParseEnum), type, expected), $"{type.Name}.{field.Name}");
            }
        }
    }

    [TestMethod]
    public void ParseEnum_ReadsAsEnumParseDoes_AnyCase_UnderscoresDropped_AndNumbers()
    {
        Assert.AreEqual(JobStatus.Succeeded, OrchJson.ParseEnum<JobStatus>("succeeded"));
        Assert.AreEqual(JobStatus.Succeeded, OrchJson.ParseEnum<JobStatus>("SUCCEEDED"));
        Assert.AreEqual(RetryPolicy.RetrySame, OrchJson.ParseEnum<RetryPolicy>("retry_same"));
        Assert.AreEqual(RetryPolicy.RetrySame, OrchJson.ParseEnum<RetryPolicy>("RetrySame"));
        Assert.AreEqual((JobStatus)1, OrchJson.ParseEnum<JobStatus>("1"));
        Assert.ThrowsExactly<ArgumentException>(() => OrchJson.ParseEnum<JobStatus>("no_such_status"));
    }

    [TestMethod]
    public void TryParseEnum_RefusesUnknownWordsAndUndefinedNumbers_AndTakesDefinedOnes()
    {
        Assert.IsTrue(OrchJson.TryParseEnum<RunStatus>("running", out var running));
        Assert.AreEqual(RunStatus.Running, running);
        Assert.IsTrue(OrchJson.TryParseEnum<JobStatus>("0", out var first));
        Assert.AreEqual((JobStatus)0, first);
        Assert.IsFalse(OrchJson.TryParseEnum<JobStatus>("999", out _));
        Assert.IsFalse(OrchJson.TryParseEnum<JobStatus>("later", out _));
        Assert.IsFalse(OrchJson.TryParseEnum<JobStatus>("", out _));
    }

    [TestMethod]
    public void EnumText_OfAnUndefinedValue_IsItsNumber()
    {
        Assert.AreEqual("42", OrchJson.EnumText((JobStatus)42));
    }

    private static object Call(string name, Type type, object argument) =>
        typeof(OrchJson).GetMethod(name)!.MakeGenericMethod(type).Invoke(null, [argument])!;
}
