using Orch.Core.Git;
using Orch.Core.Settings;
using Orch.Core.Workflow;

namespace Orch.Cli.Hosting;

/// <summary>Composes a <see cref="PlanRunner"/> for the run-like commands.</summary>
internal static class WorkflowHost
{
    public static PlanRunner CreateRunner(CliContext context, Engine engine, ProjectSettings settings)
    {
        return new PlanRunner(engine.Store, engine.Executor, new GitClient(context.Time), new RunEvents(engine.Store, engine.Sink, context.Time), settings, context.Time);
    }
}
