using System.Text;
using System.Text.Json;
using Orch.Core.Jobs;
using Orch.Core.Serialization;

namespace Orch.Core.Tests.Serialization;

[TestClass]
public sealed class JobSpecReaderTests
{
    private static readonly JobSpec Minimal = new() { Name = "m", Tool = "process", Command = ["true"], RepositoryRoot = "/r", WorkingDirectory = "/r" };

    private static readonly JobSpec Full = new()
    {
        Name = "ünïcode \"quoted\" <job> & co \\ back\tslash",
        Tool = "codex",
        Command = ["sh", "-c", "echo 'a b'\nexit 3", "", "\u0001"],
        UseShell = true,
        Environment = new Dictionary<string, string> { ["API_TOKEN"] = "${API_TOKEN}", ["MixedCase_Name"] = "x=y", ["ÜNI"] = "\"\\" },
        RepositoryRoot = "/repo",
        WorkingDirectory = "/repo/sub dir",
        LogFile = "/repo/.orch/logs/custom.log",
        ErrorReport = "/repo/.orch/logs/custom.error.json",
        Timeout = new TimeSpan(2, 3, 4, 5, 678),
        StallTimeout = TimeSpan.FromTicks(1),
        StopGrace = TimeSpan.FromSeconds(5),
        Retry = new RetrySettings { MaxRetries = 2, BaseDelay = TimeSpan.FromMilliseconds(250), UseJitter = false, Policy = RetryPolicy.Escalate, EscalateTo = "claude" },
        SourceRunId = "run-1",
        WorkstreamId = "ws-1",
        FilesScope = ["src/**", "docs/a.md"],
        SuccessExitCodes = [0, 1, -5, int.MaxValue],
        Phase = "static",
        CheckCommand = "dotnet format --include {files}",
        Prompt = "Fix it.\r\nAll of it. 🙂",
        Model = "gpt-5",
        MaxTurns = 7,
        Executable = "/opt/codex",
        ResultsDirectory = "/repo/TestResults",
        SourceFile = "jobs/a.yaml",
    };

    public static IEnumerable<object[]> Specs =>
    [
        [Minimal],
        [Full],
        [Minimal with { Retry = new RetrySettings { Policy = RetryPolicy.None } }],
        [Minimal with { SuccessExitCodes = [], Environment = new Dictionary<string, string>(), Timeout = TimeSpan.Zero }],
        [Minimal with { Name = new string('x', 5000), Prompt = string.Concat(Enumerable.Repeat("long prompt ✓ ", 2000)) }],
    ];

    private static string Text(JobSpec spec) => JsonSerializer.Serialize(spec, OrchJson.Options);

    [TestMethod]
    [DynamicData(nameof(Specs))]
    public void Read_WhatOrchWrites_TakesTheFastWay_AndGivesWhatTheSerializerGives(JobSpec spec)
    {
        var json = Text(spec);

        var fast = JobSpecReader.TryRead(Encoding.UTF8.GetBytes(json));

        Assert.IsNotNull(fast, "Orch's own shape is read without the serializer");
        Assert.AreEqual(json, Text(fast));
        Assert.AreEqual(json, Text(JobSpecReader.Read(json)));
        Assert.AreEqual(Text(JsonSerializer.Deserialize<JobSpec>(json, OrchJson.Options)!), Text(fast));
    }

    [TestMethod]
    public void Read_AbsentOptionalFields_GetTheSpecsOwnDefaults_InCollectionsOfTheirOwn()
    {
        const string json = """{"name":"a","tool":"process","command":["x"],"repository_root":"/r","working_directory":"/r"}""";

        var first = JobSpecReader.TryRead(Encoding.UTF8.GetBytes(json))!;
        var second = JobSpecReader.TryRead(Encoding.UTF8.GetBytes(json))!;

        // What the spec declares, where the serializer's compiled metadata leaves an init-only field it did not see empty.
        var declared = new JobSpec { Name = "a", Tool = "process", Command = ["x"], RepositoryRoot = "/r", WorkingDirectory = "/r" };
        Assert.AreEqual(Text(declared), Text(first));
        Assert.AreEqual(TimeSpan.FromMinutes(10), first.Timeout);
        Assert.AreEqual(new RetrySettings(), first.Retry);
        CollectionAssert.AreEqual(new[] { 0 }, first.SuccessExitCodes.ToArray());
        Assert.AreNotSame(first.SuccessExitCodes, second.SuccessExitCodes);
        Assert.AreNotSame(first.Environment, second.Environment);
    }

    // Every field present, as Orch writes them, so that each row below differs from it in one way only.
    private const string Complete = """{"name":"a","tool":"p","command":["x"],"use_shell":false,"environment":{},"repository_root":"/r","working_directory":"/r","timeout":"00:10:00","retry":{"max_retries":0,"base_delay":"00:00:01","use_jitter":true,"policy":"retry_same"},"files_scope":[],"success_exit_codes":[0]}""";

    [TestMethod]
    [DataRow(",\"future_field\":1}", DisplayName = "a field it does not know")]
    [DataRow(",\"n\\u0061me\":\"b\"}", DisplayName = "an escaped name")]
    [DataRow(",\"retry\":{\"policy\":1,\"max_retries\":0,\"base_delay\":\"00:00:01\",\"use_jitter\":true}}", DisplayName = "a number for an enum")]
    [DataRow(",\"command\":null}", DisplayName = "null for a list")]
    [DataRow(",\"timeout\":\"1:2:3\"}", DisplayName = "a short time span")]
    [DataRow(",\"stall_timeout\":null,\"log_file\":null,\"max_turns\":null}", DisplayName = "explicit nulls")]
    [DataRow(",\"name\":\"second\"}", DisplayName = "a field twice")]
    [DataRow(",\"environment\":{\"A\":\"1\",\"A\":\"2\"}}", DisplayName = "a variable twice")]
    public void Read_AnyOtherShape_GivesExactlyWhatTheSerializerGives(string tail)
    {
        var json = Complete[..^1] + tail;

        Assert.AreEqual(Text(JsonSerializer.Deserialize<JobSpec>(json, OrchJson.Options)!), Text(JobSpecReader.Read(json)));
    }

    [TestMethod]
    [DataRow("""{"name":"a","tool":"p","command":["x"],"repository_root":"/r","working_directory":"/r","timeout":"soon"}""", DisplayName = "a time span that is none")]
    [DataRow("""{"name":"a","tool":"p","repository_root":"/r","working_directory":"/r"}""", DisplayName = "a required field missing")]
    [DataRow("""{"name":"a","tool":"p","command":["x"],"repository_root":"/r","working_directory":"/r"} trailing""", DisplayName = "text after the object")]
    [DataRow("""{"name":"a",""", DisplayName = "cut short")]
    [DataRow("""{"name":"a","tool":"p","command":["x"],"repository_root":"/r","working_directory":"/r","retry":{"policy":"Retry_Same"}}""", DisplayName = "an enum in another case")]
    public void Read_BrokenSpec_FailsAsTheSerializerFails(string json)
    {
        var expected = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<JobSpec>(json, OrchJson.Options));

        var actual = Assert.Throws<JsonException>(() => JobSpecReader.Read(json));

        Assert.AreEqual(expected.Message, actual.Message);
        Assert.IsNull(JobSpecReader.TryRead(Encoding.UTF8.GetBytes(json)));
    }
}
