using Orch.Abstractions.Adapters;
using Orch.Adapters.Process;

namespace Orch.Adapters.Script;

/// <summary>
/// A plain command that stands in for an AI tool, so edits can be scripted with no model. The workflow gives it
/// the instruction and findings through ORCH_PROMPT_FILE, ORCH_FINDINGS_FILE, ORCH_PHASE and ORCH_ATTEMPT.
/// </summary>
public sealed class ScriptAdapter : ProcessAdapter
{
    public override string Name => "script";

    public override IReadOnlyList<Capability> Capabilities { get; } = [Capability.CodeGeneration, Capability.Refactoring];
}
