namespace Orch.Core.Documents;

/// <summary>What a file holds, told apart by its content. <see cref="FormatDetector.Word"/> gives the word <c>validate</c> prints.</summary>
public enum DocumentFormat
{
    /// <summary>Nothing Orch reads.</summary>
    Unknown,

    /// <summary>A JSON Schema that sits beside the files it describes.</summary>
    JsonSchema,

    /// <summary>A legacy engine's configuration file, read by <c>import-config</c>.</summary>
    LegacyConfig,

    /// <summary>A legacy UET profile.</summary>
    UetProfile,

    /// <summary>A legacy UET phase template.</summary>
    UetPhaseTemplate,

    /// <summary>A legacy job (<c>command.exe</c>/<c>args</c>, <c>paths</c>).</summary>
    LegacyJob,

    /// <summary>A v1 plan: a list of workstreams, or a mapping with <c>workstreams</c>.</summary>
    Plan,

    /// <summary>A UET task spec, which loads as a workstream.</summary>
    UetTask,

    /// <summary>A UET execution request, which converts to a job.</summary>
    UetExecutionRequest,

    /// <summary>A v1 job.</summary>
    Job,

    /// <summary>Project settings (<c>.orch/orch.yaml</c>).</summary>
    Settings,

    /// <summary>A legacy workstream bundle.</summary>
    LegacyBundle,

    /// <summary>A list of legacy workstream bundles.</summary>
    LegacyList,

    /// <summary>A v1 workstream.</summary>
    Workstream,
}
