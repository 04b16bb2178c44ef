using System.Diagnostics;
using System.Globalization;
using Npgsql;
using Orch.Core.Execution;
using Orch.Testing;

namespace Orch.Reliability.Tests.Support;

/// <summary>
/// A job queue on PostgreSQL for the scale-out tests: a folder for the jobs' files and marks, a schema of its own on the
/// test server (or a whole server of its own, for the tests that stop it), and workers started as real processes under
/// stand-in host names (<c>ORCH_HOST</c>), so each judges the others by their leases as workers on other hosts would.
/// </summary>
internal sealed class PostgresQueue : IAsyncDisposable
{
    private readonly string _schema = $"t_{Guid.NewGuid():N}";
    private readonly string _server;
    private readonly string? _ownServer;
    private readonly List<Process> _workers = [];

    private PostgresQueue(string server, string? ownServer)
    {
        _server = server;
        _ownServer = ownServer;
        Address = $"{server}?options={Uri.EscapeDataString($"-c search_path={_schema}")}";
    }

    public TempDirectory Folder { get; } = new();

    /// <summary>The address workers get (in ORCH_DB, never on their command line).</summary>
    public string Address { get; }

    /// <summary>A queue on the shared test server; inconclusive without one.</summary>
    public static async Task<PostgresQueue> OnSharedServerAsync()
    {
        var queue = new PostgresQueue(TestPostgres.Require(), null);
        await queue.ExecuteAsync($"CREATE SCHEMA {queue._schema};", inSchema: false);
        return queue;
    }

    /// <summary>A queue on a server of its own, for tests that stop the server.</summary>
    public static async Task<PostgresQueue> OnOwnServerAsync()
    {
        TestPostgres.Require();
        var data = Path.Combine(Path.GetTempPath(), $"orch-pg-{Guid.NewGuid():N}");
        var port = FreePort();
        var started = await Script("start", data, port.ToString(CultureInfo.InvariantCulture));
        Assert.AreEqual(0, started.Exit, started.Output);
        var queue = new PostgresQueue(started.Output.Trim().Split('\n')[^1], data) { Port = port };
        await queue.ExecuteAsync($"CREATE SCHEMA {queue._schema};", inSchema: false);
        return queue;
    }

    private int Port { get; init; }

    /// <summary>Stops this queue's own server for <paramref name="outage"/>, then starts it again.</summary>
    public async Task OutageAsync(TimeSpan outage)
    {
        var stopped = await Script("stop", _ownServer!);
        Assert.AreEqual(0, stopped.Exit, stopped.Output);
        await Task.Delay(outage);
        var up = await Script("up", _ownServer!, Port.ToString(CultureInfo.InvariantCulture));
        Assert.AreEqual(0, up.Exit, up.Output);
    }

    /// <summary>Writes <paramref name="count"/> job files whose command is <paramref name="command"/>(name), and queues them all.</summary>
    public async Task SubmitAsync(int count, Func<string, string> command)
    {
        for (var i = 0; i < count; i++)
        {
            var name = $"j{i:0000}";
            Folder.Write($"jobs/{name}.yaml", $"id: {name}\ncommand: [sh, -c, '{command(name)}']\n");
        }

        var submitted = await OrchProcess.RunAsync(Folder.Path, Address, null, "job", "submit", "jobs");
        Assert.AreEqual(0, submitted.Exit, submitted.Out + submitted.Err);
    }

    /// <summary>Starts <c>dotnet orch worker ARGS</c> as if on host <paramref name="host"/>.</summary>
    public Process StartWorker(string host, params string[] args) => StartWorkerIn(Folder.Path, host, args);

    /// <summary>Starts <c>dotnet orch worker ARGS</c> in <paramref name="directory"/> (the host's clone) as if on host <paramref name="host"/>.</summary>
    public Process StartWorkerIn(string directory, string host, params string[] args)
    {
        var worker = OrchProcess.Start(directory, Address, new Dictionary<string, string> { ["ORCH_HOST"] = host }, ["worker", .. args]);
        _workers.Add(worker);
        return worker;
    }

    /// <summary>Waits for a worker started with --drain; returns what it printed.</summary>
    public static async Task<string> ExitedAsync(Process worker, TimeSpan within)
    {
        var output = Task.WhenAll(worker.StandardOutput.ReadToEndAsync(), worker.StandardError.ReadToEndAsync());
        using var timeout = new CancellationTokenSource(within);
        await worker.WaitForExitAsync(timeout.Token);
        return string.Join('\n', await output);
    }

    /// <summary>
    /// The pid of the running job that <paramref name="condition"/> picks, as its worker's supervisor wrote it to the exit
    /// ledger in <paramref name="repositoryRoot"/> (the worker's clone); <see langword="null"/> until then.
    /// </summary>
    public async Task<int?> ProcessOfRunningJobAsync(string repositoryRoot, string condition = "TRUE")
    {
        if (await ScalarAsync($"SELECT id FROM jobs WHERE status = 'running' AND {condition};") is not string id)
        {
            return null;
        }

        var owner = (string)(await ScalarAsync($"SELECT owner_id FROM jobs WHERE id = '{id}';"))!;
        var recoveries = Convert.ToInt32(await ScalarAsync($"SELECT recoveries FROM jobs WHERE id = '{id}';"), CultureInfo.InvariantCulture);
        return ExitLedger.Read(ExitLedger.PathFor(repositoryRoot, owner)).Starts.TryGetValue(ExitLedger.KeyFor(id, recoveries), out var process)
            ? process.ProcessId : null;
    }

    public async Task<long> CountAsync(string sql) => Convert.ToInt64(await ScalarAsync(sql), CultureInfo.InvariantCulture);

    public async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = await OpenAsync(inSchema: true);
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    /// <summary>Runs SQL on the server, outside Orch (pg_terminate_backend and the like).</summary>
    public async Task ExecuteAsync(string sql, bool inSchema = true)
    {
        await using var connection = await OpenAsync(inSchema);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private Task<NpgsqlConnection> OpenAsync(bool inSchema) => TestPostgres.OpenAsync(_server, inSchema ? _schema : null);

    public async ValueTask DisposeAsync()
    {
        foreach (var worker in _workers)
        {
            if (!worker.HasExited)
            {
                worker.Kill(entireProcessTree: true);
                await worker.WaitForExitAsync();
            }

            worker.Dispose();
        }

        if (_ownServer is not null)
        {
            await Script("stop", _ownServer);
            Directory.Delete(_ownServer, recursive: true);
        }
        else
        {
            await ExecuteAsync($"DROP SCHEMA {_schema} CASCADE;", inSchema: false);
        }

        Folder.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<(int Exit, string Output)> Script(params string[] args)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(SourceTree.Root(), "build", "postgres.sh"));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, output);
    }
}
