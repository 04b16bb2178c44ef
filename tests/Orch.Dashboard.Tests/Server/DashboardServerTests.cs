using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Orch.Core.Application;
using Orch.Core.Schemas;
using Orch.Core.Storage;
using Orch.Dashboard.Tests.Support;
using Orch.Testing;

namespace Orch.Dashboard.Tests.Server;

/// <summary>The dashboard server on real Kestrel, in-process: its guard, its read-only connection, its JSON and its event stream.</summary>
[TestClass]
[TestCategory(Categories.Process)]
public sealed class DashboardServerTests
{
    private static OrchEngine Engine(TestRepository repo, bool readOnly) =>
        new OrchEngineBuilder().ForRepository(repo.Path).UseDatabase(DashboardFixture.Db(repo)).UsePlugins(false).ReadOnly(readOnly).Build();

    private static Task<DashboardServer> StartAsync(TestRepository repo, OrchEngine reader) => DashboardServer.StartAsync(new DashboardOptions
    {
        Reader = reader, ActionEngine = () => Engine(repo, readOnly: false), OrchCommand = ["dotnet", OrchProcess.Dll],
        PollInterval = TimeSpan.FromMilliseconds(50),
    }, CancellationToken.None);

    private static HttpRequestMessage Post(DashboardServer server, string path, string? token, string? origin = null, object? body = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server.Address, path)) { Content = JsonContent.Create(body ?? new { }) };
        if (token is not null)
        {
            request.Headers.Add("X-Orch-Token", token);
        }

        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        return request;
    }

    [TestMethod]
    public async Task Actions_WithoutTheTokenOrFromAnotherOrigin_AreRefused_AndWithItReachTheUseCase()
    {
        using var repo = DashboardFixture.NewRepository();
        var runId = await DashboardFixture.FinishedRunAsync(repo);
        await using var reader = Engine(repo, readOnly: true);
        await using var server = await StartAsync(repo, reader);
        using var http = new HttpClient();
        var own = server.Address.GetLeftPart(UriPartial.Authority);

        var none = await http.SendAsync(Post(server, $"/api/runs/{runId}/cancel", null));
        var wrong = await http.SendAsync(Post(server, $"/api/runs/{runId}/cancel", (server.Options.Token[0] == '0' ? "1" : "0") + server.Options.Token[1..]));
        var elsewhere = await http.SendAsync(Post(server, $"/api/runs/{runId}/cancel", server.Options.Token, "http://evil.example"));
        var right = await http.SendAsync(Post(server, $"/api/runs/{runId}/cancel", server.Options.Token, own));

        Assert.AreEqual(HttpStatusCode.Forbidden, none.StatusCode);
        StringAssert.Contains(await none.Content.ReadAsStringAsync(), "token is missing or wrong");
        Assert.AreEqual(HttpStatusCode.Forbidden, wrong.StatusCode);
        Assert.AreEqual(HttpStatusCode.Forbidden, elsewhere.StatusCode);
        StringAssert.Contains(await elsewhere.Content.ReadAsStringAsync(), "http://evil.example are refused");
        Assert.AreEqual(HttpStatusCode.Conflict, right.StatusCode, "the token passes; the use case answers that the run is not running");
        StringAssert.Contains(await right.Content.ReadAsStringAsync(), "is not running");
    }

    [TestMethod]
    public async Task Requests_ThatNameAnotherHost_AreRefused_SoARebindingPageCannotReadTheState()
    {
        using var repo = DashboardFixture.NewRepository();
        await using var reader = Engine(repo, readOnly: true);
        await using var server = await StartAsync(repo, reader);
        using var http = new HttpClient();
        using var rebound = new HttpRequestMessage(HttpMethod.Get, new Uri(server.Address, "/api/runs"));
        rebound.Headers.Host = $"attacker.example:{server.Address.Port}";

        var refused = await http.SendAsync(rebound);
        var local = await http.GetAsync(new Uri($"http://localhost:{server.Address.Port}/api/runs"));

        Assert.AreEqual(HttpStatusCode.MisdirectedRequest, refused.StatusCode);
        Assert.AreEqual(HttpStatusCode.OK, local.StatusCode, "localhost is this server too");
    }

    [TestMethod]
    public async Task Reader_CannotWrite_AndTheDatabaseIsUnchangedByEveryPage()
    {
        using var repo = DashboardFixture.NewRepository();
        var runId = await DashboardFixture.FinishedRunAsync(repo);
        repo.Write("job.yaml", "id: hello\ntool: script\ncommand: [echo, hi]\n");
        var before = Hash(DashboardFixture.Db(repo));
        await using var reader = Engine(repo, readOnly: true);
        await using var server = await StartAsync(repo, reader);
        using var http = new HttpClient();

        foreach (var page in new[] { "/", $"/runs/{runId}", "/api/runs", $"/api/runs/{runId}" })
        {
            Assert.AreEqual(HttpStatusCode.OK, (await http.GetAsync(new Uri(server.Address, page))).StatusCode, page);
        }

        var write = await Assert.ThrowsExactlyAsync<StateDatabaseException>(() => reader.Jobs.SubmitAsync([repo.Combine("job.yaml")], CancellationToken.None));
        Assert.AreEqual(StateDatabaseFault.ReadOnly, write.Fault);
        Assert.AreEqual(before, Hash(DashboardFixture.Db(repo)), "reading never writes the file");
    }

    [TestMethod]
    public async Task RunPage_OfAFixLoop_HasItsStepsFindingsPerRoundCostsAndYield_InTheDocumentedShapes()
    {
        using var repo = DashboardFixture.NewRepository();
        var runId = await DashboardFixture.FinishedRunAsync(repo);
        await using var reader = Engine(repo, readOnly: true);
        await using var server = await StartAsync(repo, reader);
        using var http = new HttpClient();

        var text = await http.GetStringAsync(new Uri(server.Address, $"/api/runs/{runId}"));
        var missing = await http.GetAsync(new Uri(server.Address, "/api/runs/run-nope"));

        var runs = JsonDocument.Parse(await http.GetStringAsync(new Uri(server.Address, "/api/runs"))).RootElement;
        var root = JsonDocument.Parse(text).RootElement;
        SchemaAssert.Valid(SchemaCatalog.DashboardOutput, root);
        SchemaAssert.Valid(SchemaCatalog.DashboardOutput, runs);
        Assert.AreEqual(runId, runs.GetProperty("runs")[0].GetProperty("run_id").GetString());
        Assert.AreEqual("failed", root.GetProperty("run").GetProperty("status").GetString());
        var ws = root.GetProperty("workstreams").EnumerateArray().Single();
        CollectionAssert.AreEqual(new[] { "EDIT", "STATIC check 1", "STATIC FIX 1", "STATIC check 2", "STATIC FIX 2", "STATIC check 3" },
            ws.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("step").GetString()).ToArray());
        CollectionAssert.AreEqual(new[] { "error E1: still 2 lines", "error E1: still 3 lines", "error E1: still 4 lines" },
            root.GetProperty("findings").EnumerateArray().Select(r => r.GetProperty("findings")[0].GetProperty("message").GetString()).ToArray());
        var costs = root.GetProperty("costs");
        Assert.AreEqual(2, costs.GetProperty("fix_yield")[0].GetProperty("fix_rounds").GetInt32());
        Assert.IsTrue(root.GetProperty("last_event_id").GetInt64() > 0);
        Assert.AreEqual(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [TestMethod]
    public async Task RunPage_FromAPostgresDatabase_ReadsTheRunThroughAConnectionThatCannotWrite()
    {
        using var repo = DashboardFixture.NewRepository();
        await using var schema = await TestPostgres.SchemaAsync();
        repo.Write("fixloop.yaml", DashboardFixture.FixLoopPlan);
        var run = await OrchProcess.RunAsync(repo.Path, schema.Address, null, "run", "fixloop.yaml", "--format", "json");
        var runId = DashboardFixture.RunIdOf(run.Out);
        repo.Write("job.yaml", "id: hello\ntool: script\ncommand: [echo, hi]\n");
        await using var reader = new OrchEngineBuilder().ForRepository(repo.Path).UseDatabase(schema.Address).UsePlugins(false).ReadOnly().Build();
        await using var server = await DashboardServer.StartAsync(new DashboardOptions
        {
            Reader = reader, ActionEngine = () => new OrchEngineBuilder().ForRepository(repo.Path).UseDatabase(schema.Address).UsePlugins(false).Build(),
            OrchCommand = ["dotnet", OrchProcess.Dll],
        }, CancellationToken.None);
        using var http = new HttpClient();

        var root = JsonDocument.Parse(await http.GetStringAsync(new Uri(server.Address, $"/api/runs/{runId}"))).RootElement;
        var write = await Assert.ThrowsExactlyAsync<StateDatabaseException>(() => reader.Jobs.SubmitAsync([repo.Combine("job.yaml")], CancellationToken.None));

        SchemaAssert.Valid(SchemaCatalog.DashboardOutput, root);
        Assert.AreEqual(3, root.GetProperty("findings").GetArrayLength());
        Assert.AreEqual(StateDatabaseFault.ReadOnly, write.Fault, write.Message);
    }

    [TestMethod]
    public async Task EventStream_DeliversEventsCommittedAfterItOpened_AndAReconnectGoesOnFromLastEventId()
    {
        using var repo = DashboardFixture.NewRepository();
        await DashboardFixture.FinishedRunAsync(repo);
        await using var reader = Engine(repo, readOnly: true);
        await using var server = await StartAsync(repo, reader);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        var runs = JsonDocument.Parse(await http.GetStringAsync(new Uri(server.Address, "/api/runs"))).RootElement;
        var last = runs.GetProperty("last_event_id").GetInt64();

        using var stream = await http.GetStreamAsync(new Uri(server.Address, $"/api/events?after={last}"));
        using var lines = new StreamReader(stream);
        var second = await DashboardFixture.FinishedRunAsync(repo);
        var first = await NextEventAsync(lines);
        using var again = new HttpRequestMessage(HttpMethod.Get, new Uri(server.Address, "/api/events"));
        again.Headers.Add("Last-Event-ID", first.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var reconnected = await http.SendAsync(again, HttpCompletionOption.ResponseHeadersRead);
        using var resumed = new StreamReader(await reconnected.Content.ReadAsStreamAsync());
        var next = await NextEventAsync(resumed);

        Assert.AreEqual(last + 1, first.Id, "nothing after the page's state is skipped");
        Assert.AreEqual("run.started", first.Kind);
        Assert.AreEqual(second, first.RunId);
        Assert.AreEqual(first.Id + 1, next.Id, "a reconnect sends what came after the last event seen, once");
        Assert.AreEqual("text/event-stream", reconnected.Content.Headers.ContentType?.MediaType);
    }

    [TestMethod]
    public async Task Pages_ShipEverythingTheyLoad_AndForbidLoadingFromElsewhere()
    {
        using var repo = DashboardFixture.NewRepository();
        await using var reader = Engine(repo, readOnly: true);
        await using var server = await StartAsync(repo, reader);
        using var http = new HttpClient();

        var page = await http.GetAsync(server.Address);
        var assets = new List<string> { await page.Content.ReadAsStringAsync() };
        foreach (var asset in new[] { "/assets/app.js", "/assets/app.css" })
        {
            var response = await http.GetAsync(new Uri(server.Address, asset));
            Assert.AreEqual(HttpStatusCode.OK, response.StatusCode, asset);
            assets.Add(await response.Content.ReadAsStringAsync());
        }

        var policy = string.Join(";", page.Headers.GetValues("Content-Security-Policy"));
        StringAssert.Contains(policy, "default-src 'none'");
        StringAssert.Contains(policy, "script-src 'self'");
        Assert.AreEqual("no-referrer", page.Headers.GetValues("Referrer-Policy").Single(), "the address carries the token");
        foreach (var text in assets)
        {
            var external = System.Text.RegularExpressions.Regex.Matches(text, @"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", System.Text.RegularExpressions.RegexOptions.IgnoreCase)
                .Select(m => m.Value).Where(url => url != "http://www.w3.org").ToList();
            Assert.IsEmpty(external, "the pages load nothing from the internet: " + string.Join(", ", external));
        }

        Assert.AreEqual(HttpStatusCode.NotFound, (await http.GetAsync(new Uri(server.Address, "/assets/../Orch.Dashboard.dll"))).StatusCode);
    }

    [TestMethod]
    public async Task SubmitAction_QueuesAJobFileOfTheRepository_AndRefusesAPathOutsideIt()
    {
        using var repo = DashboardFixture.NewRepository();
        repo.Write("jobs/hello.yaml", "id: hello\ntool: script\ncommand: [echo, hi]\n");
        await using var reader = Engine(repo, readOnly: true);
        await using var server = await StartAsync(repo, reader);
        using var http = new HttpClient();

        var queued = await http.SendAsync(Post(server, "/api/jobs", server.Options.Token, body: new { path = "jobs/hello.yaml" }));
        var outside = await http.SendAsync(Post(server, "/api/jobs", server.Options.Token, body: new { path = "../../etc/passwd" }));
        var broken = await http.SendAsync(Post(server, "/api/jobs", server.Options.Token, body: new { path = "src/a.txt" }));

        Assert.AreEqual(HttpStatusCode.Created, queued.StatusCode, await queued.Content.ReadAsStringAsync());
        await using var check = Engine(repo, readOnly: true);
        var jobs = await check.Jobs.ListAsync(new JobQuery(), CancellationToken.None);
        Assert.AreEqual("hello", jobs.Single().Spec.Name);
        Assert.AreEqual(HttpStatusCode.BadRequest, outside.StatusCode);
        StringAssert.Contains(await outside.Content.ReadAsStringAsync(), "ORCH1010");
        Assert.AreEqual(HttpStatusCode.BadRequest, broken.StatusCode);
    }

    private static string Hash(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return Convert.ToHexString(SHA256.HashData(stream));
    }

    private static async Task<(long Id, string Kind, string? RunId)> NextEventAsync(StreamReader lines)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (await lines.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                var e = JsonDocument.Parse(line["data: ".Length..]).RootElement;
                return (e.GetProperty("id").GetInt64(), e.GetProperty("kind").GetString()!, e.TryGetProperty("run_id", out var r) ? r.GetString() : null);
            }
        }

        throw new AssertFailedException("the event stream ended");
    }
}
