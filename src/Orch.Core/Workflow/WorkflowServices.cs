using Orch.Core.Events;
using Orch.Core.Execution;
using Orch.Core.Git;
using Orch.Core.Settings;
using Orch.Core.Storage;

namespace Orch.Core.Workflow;

/// <summary>What running a plan needs from the engine, each store by the role it plays.</summary>
public sealed record WorkflowServices(
    IRunStore Runs,
    IJobStore Jobs,
    ICostLedger Costs,
    JobLifecycle Lifecycle,
    JobExecutor Executor,
    GitClient Git,
    EventBus Bus,
    ProjectSettings Settings,
    EscalationPolicy Escalation,
    TimeProvider Time);
