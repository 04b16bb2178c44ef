using System.Text.Json.Serialization;

namespace Orch.Core.Workflow;

/// <summary>The phases of a workstream, in order; FIX loops inside STATIC and RUNTIME. Stored and shown in capitals.</summary>
public enum PhaseName
{
    /// <summary>The AI tool makes the change.</summary>
    [JsonStringEnumMemberName("EDIT")]
    Edit,

    /// <summary>Analyzers: autofixers first, then the checks.</summary>
    [JsonStringEnumMemberName("STATIC")]
    Static,

    /// <summary>Tests.</summary>
    [JsonStringEnumMemberName("RUNTIME")]
    Runtime,

    /// <summary>The AI tool fixes what STATIC or RUNTIME found.</summary>
    [JsonStringEnumMemberName("FIX")]
    Fix,
}
