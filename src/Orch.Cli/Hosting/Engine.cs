using Orch.Abstractions.Events;
using Orch.Adapters.Registry;
using Orch.Cli.Rendering;
using Orch.Core.Diagnostics;
using Orch.Core.Execution;
using Orch.Core.State;

namespace Orch.Cli.Hosting;

/// <summary>Composes the engine for one command: store, tool settings, adapters, pipelines and executor.</summary>
internal sealed class Engine : IAsyncDisposable
{
    private Engine(SqliteStateStore store, ToolSettings tools, JobExecutor executor)
    {
        Store = store;
        Tools = tools;
        Executor = executor;
    }

    public SqliteStateStore Store { get; }

    public ToolSettings Tools { get; }

    public JobExecutor Executor { get; }

    public static LoadResult<ToolSettings> LoadToolSettings(CliContext context) =>
        ToolSettings.LoadOrchYaml(Path.Combine(context.RepositoryRoot, ".orch", "orch.yaml"));

    // showOutput: the verbosity at which job output is echoed; job run shows it at normal, workers at detailed.
    public static async Task<Engine> CreateAsync(CliContext context, ToolSettings tools, Verbosity showOutput, CancellationToken cancellationToken)
    {
        var store = await context.OpenStoreAsync(cancellationToken);
        IEventSink sink = new ConsoleEventSink(context);
        var pipelines = new ToolPipelines(tools, context.Time, async evt =>
        {
            sink.Publish(evt);
            await store.AppendEventsAsync([evt], CancellationToken.None);
        });
        Action<string, string>? output = context.Json || context.Verbosity < showOutput ? null : (jobId, line) =>
        {
            lock (context.Out)
            {
                context.Out.WriteLine(showOutput >= Verbosity.Detailed ? $"  {jobId}| {line}" : $"  | {line}");
            }
        };
        var executor = new JobExecutor(store, AdapterRegistry.CreateDefault(), pipelines, context.Time, sink, output);
        return new Engine(store, tools, executor);
    }

    public ValueTask DisposeAsync() => Store.DisposeAsync();
}
