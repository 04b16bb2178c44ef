using Orch.Abstractions.Diagnostics;
using Orch.Core.Diagnostics;
using Orch.Core.Execution;
using Orch.Core.Jobs;
using Orch.Core.Queue;
using Orch.Core.Storage;

namespace Orch.Core.Application;

/// <summary>Single jobs: <c>job run</c>, <c>job submit</c>, <c>worker</c> and <c>job list</c>.</summary>
public sealed class JobUseCases
{
    private static readonly string[] JobExtensions = [".json", ".yaml", ".yml"];
    private readonly OrchEngine _engine;

    internal JobUseCases(OrchEngine engine) => _engine = engine;

    /// <summary>Loads one job file (v1 or legacy) and runs it now, with its retry policy's escalation, in a run of its own.</summary>
    public async Task<JobRunResult> RunAsync(string file, Action<string>? onStarted, CancellationToken cancellationToken)
    {
        var settings = _engine.Settings;
        if (!settings.Succeeded)
        {
            return new JobRunResult(settings.Diagnostics, null, null);
        }

        var loaded = new JobLoader(new RepositoryPaths(_engine.RepositoryRoot), settings.Value!.Tools).Load(file);
        if (!loaded.Succeeded)
        {
            return new JobRunResult(loaded.Diagnostics, null, null);
        }

        var spec = loaded.Value!;
        var services = await _engine.ServicesAsync(cancellationToken);
        var run = await services.Store.CreateRunAsync("job", Path.GetFullPath(file), cancellationToken);
        onStarted?.Invoke(run.Id);
        var outcome = await services.Jobs.RunEscalatingAsync(run.Id, spec, OwnerIdentity.Direct(), cancellationToken);
        var runStatus = outcome.Status switch
        {
            JobStatus.Succeeded => RunStatus.Succeeded,
            JobStatus.Cancelled => RunStatus.Cancelled,
            _ => RunStatus.Failed,
        };
        await services.Store.FinishRunAsync(run.Id, runStatus, outcome.Status == JobStatus.Succeeded ? null : Serialization.OrchJson.EnumText(outcome.Status),
            CancellationToken.None);
        return new JobRunResult(loaded.Diagnostics, run.Id, outcome);
    }

    /// <summary>Queues job files, or every job file of a folder, all or nothing.</summary>
    public async Task<SubmitResult> SubmitAsync(IReadOnlyList<string> paths, CancellationToken cancellationToken)
    {
        var settings = _engine.Settings;
        var diagnostics = new List<OrchDiagnostic>(settings.Diagnostics);
        var loader = new JobLoader(new RepositoryPaths(_engine.RepositoryRoot), settings.Value?.Tools ?? ToolSettings.Empty);
        var specs = new List<JobSpec>();
        foreach (var file in ExpandPaths(paths, diagnostics))
        {
            var loaded = loader.Load(file);
            diagnostics.AddRange(loaded.Diagnostics);
            if (loaded.Value is not { } spec)
            {
                continue;
            }

            foreach (var name in JobSecrets.LiteralSecrets(spec))
            {
                diagnostics.Add(new OrchDiagnostic(DiagnosticCodes.LiteralSecret, FindingSeverity.Error,
                    $"env.{name} holds a literal secret, and queued jobs are stored in the state database", file,
                    Hint: $"Write `{name}: ${{{name}}}` and export {name} in the worker's environment, or use `dotnet orch job run`."));
            }

            specs.Add(spec);
        }

        if (specs.Count == 0 && !diagnostics.Any(d => d.IsError))
        {
            diagnostics.Add(new OrchDiagnostic(DiagnosticCodes.EmptyInput, FindingSeverity.Error, "no job files found (looked for *.json, *.yaml, *.yml)"));
        }

        if (diagnostics.Any(d => d.IsError))
        {
            return new SubmitResult(diagnostics, []);
        }

        var store = await _engine.StoreAsync(cancellationToken);
        return new SubmitResult(diagnostics, await store.EnqueueJobsAsync(null, specs, cancellationToken));
    }

    /// <summary>Works through the queue; jobs left running by a crashed worker are recovered first.</summary>
    /// <param name="options">Slots and whether to stop once the queue is empty.</param>
    /// <param name="onStarted">Told the worker's id once it runs.</param>
    /// <param name="cancellationToken">Stops the worker.</param>
    /// <param name="onNotice">Told what a person running the worker should know: the database out of reach, a lease lost.</param>
    public async Task<WorkResult> WorkAsync(WorkerOptions options, Action<string>? onStarted, CancellationToken cancellationToken, Action<string>? onNotice = null)
    {
        var settings = _engine.Settings;
        if (!settings.Succeeded)
        {
            return new WorkResult(settings.Diagnostics, null, []);
        }

        var services = await _engine.ServicesAsync(cancellationToken);
        // A handed-over workstream ran in this clone (HandOver below), and its exit ledger is here too.
        var reconciler = new Reconciler(services.Store, _engine.Time)
        {
            LedgerRootOf = job => Workflow.Distribution.WorkstreamJob.Is(job) ? _engine.RepositoryRoot : null,
        };
        var worker = new Worker(services.Store, services.Jobs, reconciler, _engine.Time, options)
        {
            Unavailable = reason => onNotice?.Invoke($"{reason} Trying again."),
            LeaseLost = job => onNotice?.Invoke($"lost the lease of job {job}: its tool is stopped, nothing more is recorded, another worker takes it"),
            HandOver = job => Workflow.Distribution.WorkstreamJob.OnWorker(job, options.OrchCommand, _engine.RepositoryRoot, _engine.Options.DatabasePath),
            // Each slot waits for its jobs on a thread of its own, through the worker's supervisor (see SlotThread).
            Channels = _engine.Supervisor is { } supervisor ? supervisor.NewChannel : null,
        };
        onStarted?.Invoke(worker.Identity.Id);
        return new WorkResult(settings.Diagnostics, worker.Identity.Id, await worker.RunAsync(cancellationToken));
    }

    /// <summary>The newest jobs in the state database that match, oldest of them first.</summary>
    public async Task<IReadOnlyList<JobRecord>> ListAsync(JobQuery query, CancellationToken cancellationToken) =>
        _engine.HasDatabase ? await (await _engine.ReadStoreAsync(cancellationToken)).ListJobsAsync(query, cancellationToken) : [];

    private static IEnumerable<string> ExpandPaths(IEnumerable<string> paths, List<OrchDiagnostic> diagnostics)
    {
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                foreach (var file in Directory.EnumerateFiles(path).Where(f => JobExtensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
                             .Order(StringComparer.Ordinal))
                {
                    yield return file;
                }
            }
            else if (File.Exists(path))
            {
                yield return path;
            }
            else
            {
                diagnostics.Add(new OrchDiagnostic(DiagnosticCodes.FileNotFound, FindingSeverity.Error, "no such file or folder", path,
                    Hint: "Check the path; it is resolved against the current folder."));
            }
        }
    }
}
