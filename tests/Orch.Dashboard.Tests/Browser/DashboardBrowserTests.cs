using System.Diagnostics;
using System.Text.Json;
using Microsoft.Playwright;
using Orch.Dashboard.Tests.Support;
using Orch.Testing;

namespace Orch.Dashboard.Tests.Browser;

/// <summary>
/// `dotnet orch ui` as people use it: a real process, a real run going on in another process, and Debian's Chromium
/// (installed by build/test.sh) driven headless through Playwright.
/// </summary>
[TestClass]
[TestCategory(Categories.Browser)]
public sealed class DashboardBrowserTests
{
    private const string Chromium = "/usr/bin/chromium";

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task RunPage_OfALiveRun_UpdatesWithoutReload_ActionsNeedTheToken_AndCancelAndResumeWork()
    {
        if (!File.Exists(Chromium))
        {
            Assert.Inconclusive($"needs Debian's chromium at {Chromium}; build/test.sh installs it (apt-get install chromium)");
        }

        using var repo = DashboardFixture.NewRepository();
        var finished = await DashboardFixture.FinishedRunAsync(repo);
        var gate = repo.Combine("go");
        repo.Write("live.yaml", DashboardFixture.GatedPlan(gate, "live"));
        using var liveRun = OrchProcess.Start(repo.Path, DashboardFixture.Db(repo), null, "run", "live.yaml", "--format", "json");
        using var ui = OrchProcess.Start(repo.Path, DashboardFixture.Db(repo), null, "ui", "--format", "json");
        try
        {
            var started = JsonDocument.Parse(await ui.StandardOutput.ReadLineAsync() ?? "{}").RootElement;
            SchemaAssert.Valid(Orch.Core.Schemas.SchemaCatalog.UiOutput, started);
            var address = started.GetProperty("url").GetString()!.TrimEnd('/');
            var withToken = started.GetProperty("open").GetString()!;

            using var playwright = await Playwright.CreateAsync();
            await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = Chromium, Headless = true,
                // What this machine's closed network needs: no background connections, no sandbox as root.
                Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
            });

            // The runs list: both runs, the live one running.
            var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
            await page.GotoAsync(withToken);
            await Assertions.Expect(page.Locator("#runs tbody tr")).ToHaveCountAsync(2);
            Assert.AreEqual("/", new Uri(page.Url).AbsolutePath);
            Assert.IsFalse(page.Url.Contains("token=", StringComparison.Ordinal), "the token leaves the address bar once read");
            var live = await page.Locator("#runs tbody tr").Filter(new LocatorFilterOptions { HasText = "running" }).GetAttributeAsync("data-run");

            // The finished run: its FIX rounds and yield.
            await page.GotoAsync($"{address}/runs/{finished}");
            await Assertions.Expect(page.Locator(".round")).ToHaveCountAsync(3);
            await Assertions.Expect(page.Locator(".round").Nth(1)).ToContainTextAsync("src/a.txt:1");
            await Assertions.Expect(page.Locator("#fix-yield tbody tr")).ToHaveCountAsync(1);

            // Without the token: the page shows, the action is refused, the run goes on.
            var anonymous = await browser.NewPageAsync();
            await anonymous.GotoAsync($"{address}/runs/{live}");
            await Assertions.Expect(anonymous.Locator("g[data-ws=first]")).ToHaveAttributeAsync("data-status", "running");
            await anonymous.ClickAsync("#cancel");
            await Assertions.Expect(anonymous.Locator("#action-result")).ToContainTextAsync("token is missing or wrong");

            // The live run: the DAG before the second starts, then the same page (no reload) as the run goes on.
            await page.GotoAsync($"{address}/runs/{live}");
            await Assertions.Expect(page.Locator("g[data-ws=first]")).ToHaveAttributeAsync("data-status", "running");
            await Assertions.Expect(page.Locator("g[data-ws=second]")).ToHaveAttributeAsync("data-status", "pending");
            await Assertions.Expect(page.Locator("svg.dag path.edge")).ToHaveCountAsync(1);
            // An earlier run used the same tool, so the history gives an ETA; it goes with the run.
            await Assertions.Expect(page.Locator("#eta")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^(\d+(s|m \d+s)|any moment)$"));
            await page.EvaluateAsync("() => { window.sameDocument = true; }");
            await File.WriteAllTextAsync(gate, "");
            await Assertions.Expect(page.Locator("#run-status")).ToHaveAttributeAsync("data-status", "succeeded", new() { Timeout = 30_000 });
            await Assertions.Expect(page.Locator("g[data-ws=second]")).ToHaveAttributeAsync("data-status", "succeeded");
            await Assertions.Expect(page.Locator("#eta")).ToHaveCountAsync(0);
            Assert.IsTrue(await page.EvaluateAsync<bool>("() => window.sameDocument === true"), "updated in place, not reloaded");
            await Assertions.Expect(page.Locator("#events li[data-kind='run.finished']")).ToHaveCountAsync(1);
            var shot = Path.Combine(TestContext.TestResultsDirectory ?? Path.GetTempPath(), "dashboard-run.png");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = shot, FullPage = true });
            TestContext.AddResultFile(shot);
            await liveRun.WaitForExitAsync();
            Assert.AreEqual(0, liveRun.ExitCode, await liveRun.StandardError.ReadToEndAsync());

            // Cancel and resume from the page, with the token: the same use cases as `cancel` and `resume`.
            var second = repo.Combine("go2");
            repo.Write("again.yaml", DashboardFixture.GatedPlan(second, "again"));
            using var againRun = OrchProcess.Start(repo.Path, DashboardFixture.Db(repo), null, "run", "again.yaml", "--format", "json");
            await page.GotoAsync(address + "/");
            var again = await WaitForRunningRunAsync(page, exclude: live!);
            await page.GotoAsync($"{address}/runs/{again}");
            await Assertions.Expect(page.Locator("g[data-ws=first]")).ToHaveAttributeAsync("data-status", "running");
            await page.ClickAsync("#cancel");
            await Assertions.Expect(page.Locator("#run-status")).ToHaveAttributeAsync("data-status", "cancelled", new() { Timeout = 30_000 });
            await againRun.WaitForExitAsync();
            Assert.AreEqual(130, againRun.ExitCode, "the run's own process stopped as on Ctrl-C");
            await File.WriteAllTextAsync(second, "");
            await page.ClickAsync("#resume");
            await Assertions.Expect(page.Locator("#action-result")).ToContainTextAsync("resuming");
            await Assertions.Expect(page.Locator("#run-status")).ToHaveAttributeAsync("data-status", "succeeded", new() { Timeout = 60_000 });
            Assert.AreEqual("two\n", await File.ReadAllTextAsync(repo.Combine("src", "again2.txt")), "the resumed run merged the second workstream");
        }
        finally
        {
            Stop(ui);
            Stop(liveRun);
        }
    }

    private static async Task<string> WaitForRunningRunAsync(IPage page, string exclude)
    {
        var row = page.Locator("#runs tbody tr").Filter(new LocatorFilterOptions { HasText = "running" });
        string? id = null;
        await DashboardFixture.EventuallyAsync(async () =>
        {
            id = await row.CountAsync() == 1 ? await row.GetAttributeAsync("data-run") : null;
            return id is not null && id != exclude;
        }, "the second run to show as running without a reload");
        return id!;
    }

    private static void Stop(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
    }
}
