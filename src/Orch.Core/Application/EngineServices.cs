using Orch.Abstractions.Events;
using Orch.Adapters.Registry;
using Orch.Core.Events;
using Orch.Core.Execution;
using Orch.Core.Git;
using Orch.Core.Secrets;
using Orch.Core.Settings;
using Orch.Core.Storage;
using Orch.Core.Workflow;

namespace Orch.Core.Application;

/// <summary>The engine's parts for one settings load, composed once per engine and shared by its use cases.</summary>
internal sealed record EngineServices(
    ProjectSettings Settings,
    IStateStore Store,
    EventBus Bus,
    JobExecutor Executor,
    JobLifecycle Jobs,
    EscalationPolicy Escalation,
    GitClient Git)
{
    /// <summary>The one place the engine's parts are put together.</summary>
    public static EngineServices Compose(IStateStore store, ProjectSettings settings, TimeProvider time, AdapterRegistry adapters,
        IReadOnlyList<IEventSink> sinks, Action<string, string>? onOutput, GitClient git, JobSupervisorClient? supervisor = null)
    {
        var bus = new EventBus(store, sinks, time, SecretRedactor.FromEnvironment());
        var pipelines = new ToolPipelines(settings.Tools, time, async evt => await bus.PublishAsync(evt));
        var executor = new JobExecutor(store, adapters, pipelines, time, bus, onOutput, settings.Prices) { Supervisor = supervisor };
        var escalation = new EscalationPolicy(settings.Tools, settings.Escalation);
        return new EngineServices(settings, store, bus, executor, new JobLifecycle(store, executor, escalation, bus), escalation, git);
    }

    public PlanRunner PlanRunner(TimeProvider time) => new(Workflow(time));

    public WorkflowServices Workflow(TimeProvider time) => new(Store, Store, Store, Jobs, Executor, Git, Bus, Settings, Escalation, time);
}
