using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orch.Core.Storage;
using Orch.Dashboard.Api;
using Orch.Dashboard.Security;

namespace Orch.Dashboard;

/// <summary>
/// The dashboard: Kestrel on 127.0.0.1 only, serving the pages shipped in this assembly, JSON read through a read-only
/// engine, live updates as server-sent events from the stored event log, and token-guarded actions that call the same
/// use cases as the CLI.
/// </summary>
public sealed class DashboardServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private DashboardServer(WebApplication app, DashboardOptions options)
    {
        _app = app;
        Options = options;
    }

    /// <summary>What the server was started with, including the token.</summary>
    public DashboardOptions Options { get; }

    /// <summary>The address it listens on, for example <c>http://127.0.0.1:5077</c>.</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>Starts listening; throws <see cref="IOException"/> when the port is taken.</summary>
    public static async Task<DashboardServer> StartAsync(DashboardOptions options, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = typeof(DashboardServer).Assembly.GetName().Name });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, options.Port));
        builder.Services.AddSingleton(options);
        // Made by the container, so the container disposes it.
        builder.Services.AddSingleton(_ => new ReadGate(options.Reader));

        var app = builder.Build();
        var server = new DashboardServer(app, options);
        app.Use(RequestGuard.Create(() => server.Address, options.Token));
        app.Use(async (http, next) =>
        {
            try
            {
                await next(http);
            }
            catch (StateDatabaseException ex) when (!http.Response.HasStarted)
            {
                // A damaged, newer or locked database: say so as the CLI would, never as a stack trace.
                http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                await http.Response.WriteAsJsonAsync(new { code = "ORCH2001", error = ex.Message, hint = ex.Hint });
            }
        });
        AssetEndpoints.Map(app);
        ReadEndpoints.Map(app);
        ActionEndpoints.Map(app);
        await app.StartAsync(cancellationToken);
        server.Address = new Uri(app.Urls.First());
        return server;
    }

    /// <summary>The address with the token, as printed at start-up: opening it lets the page act.</summary>
    public Uri AddressWithToken => new(Address, $"/?token={Options.Token}");

    public async ValueTask DisposeAsync()
    {
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _app.StopAsync(grace.Token);
        await _app.DisposeAsync();
    }
}
