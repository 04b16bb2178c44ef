using Orch.Abstractions.Events;
using Orch.Adapters.Registry;
using Orch.Cli.Rendering;
using Orch.Core.Diagnostics;
using Orch.Core.Execution;
using Orch.Core.Settings;
using Orch.Core.State;

namespace Orch.Cli.Hosting;

/// <summary>Composes the engine for one command: store, tool settings, adapters, pipelines and executor.</summary>
internal sealed class Engine : IAsyncDisposable
{
    private Engine(SqliteStateStore store, ToolSettings tools, JobExecutor executor, IEventSink sink)
    {
        Store = store;
        Tools = tools;
        Executor = executor;
        Sink = sink;
    }

    public IEventSink Sink { get; }

    public SqliteStateStore Store { get; }

    public ToolSettings Tools { get; }

    public JobExecutor Executor { get; }

    public static LoadResult<ProjectSettings> LoadSettings(CliContext context) => ProjectSettings.Load(context.RepositoryRoot);

    // showOutput: the verbosity at which job output is echoed; job run shows it at normal, workers at detailed.
    public static async Task<Engine> CreateAsync(CliContext context, ProjectSettings settings, Verbosity showOutput, CancellationToken cancellationToken)
    {
        var store = await context.OpenStoreAsync(cancellationToken);
        IEventSink sink = new ConsoleEventSink(context, showOutput == Verbosity.Normal ? Verbosity.Normal : Verbosity.Detailed);
        var tools = settings.Tools;
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
        var executor = new JobExecutor(store, AdapterRegistry.CreateDefault(), pipelines, context.Time, sink, output, settings.Prices);
        return new Engine(store, tools, executor, sink);
    }

    public ValueTask DisposeAsync() => Store.DisposeAsync();
}
