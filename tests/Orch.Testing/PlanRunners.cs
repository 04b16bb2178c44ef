using System.Text.Json;
using Orch.Adapters.Registry;
using Orch.Core.Application;
using Orch.Core.Git;
using Orch.Core.Planning;
using Orch.Core.Serialization;
using Orch.Core.Settings;
using Orch.Core.Storage;
using Orch.Core.Workflow;

namespace Orch.Testing;

/// <summary>The real plan runner over any store (the SQLite file, or a wrapper that injects faults), composed as the engine composes it.</summary>
public static class PlanRunners
{
    public static PlanRunner Create(IStateStore store, ProjectSettings? settings = null) =>
        EngineServices.Compose(store, settings ?? ProjectSettings.Empty, TimeProvider.System, AdapterRegistry.CreateDefault(), [], null, new GitClient(TimeProvider.System))
            .PlanRunner(TimeProvider.System);

    /// <summary>Resumes a run the way <c>dotnet orch resume</c> does: from the options it stored.</summary>
    public static async Task<RunSummary> ResumeAsync(IStateStore store, string runId, ProjectSettings? settings = null)
    {
        var stored = JsonSerializer.Deserialize<StoredRunOptions>((await store.GetRunOptionsAsync(runId, CancellationToken.None))!, OrchJson.Options)!;
        return await Create(store, settings).ResumeAsync(runId, PlanLoader.Load(stored.Plan), stored, CancellationToken.None);
    }
}
