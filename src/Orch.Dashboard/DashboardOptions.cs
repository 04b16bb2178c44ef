using Orch.Core.Application;

namespace Orch.Dashboard;

/// <summary>How <see cref="DashboardServer"/> runs; see each property for its default.</summary>
public sealed record DashboardOptions
{
    /// <summary>The engine every page reads through; build it with <see cref="OrchEngineBuilder.ReadOnly"/> so its connection cannot write.</summary>
    public required OrchEngine Reader { get; init; }

    /// <summary>Builds a short-lived engine for one action (cancel, resume, submit), so the pages' connection stays read-only.</summary>
    public required Func<OrchEngine> ActionEngine { get; init; }

    /// <summary>How to start Orch itself, for a resume that runs in its own process (the dashboard never runs tools).</summary>
    public required IReadOnlyList<string> OrchCommand { get; init; }

    /// <summary>The port on 127.0.0.1. The default value is 0: a free port the system picks.</summary>
    public int Port { get; init; }

    /// <summary>The secret every action must carry. The default value is 32 random bytes in hex, new each start.</summary>
    public string Token { get; init; } = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    /// <summary>How often live pages look for new events. The default value is 250 ms.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How often an idle event stream sends a comment so proxies and browsers keep it open. The default value is 15 seconds.</summary>
    public TimeSpan KeepAlive { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>The clock for polling and keep-alives. The default value is <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;
}
