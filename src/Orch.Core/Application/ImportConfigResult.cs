using Orch.Core.Diagnostics;

namespace Orch.Core.Application;

/// <summary>The settings YAML an import made, where it went (nothing when <see cref="Written"/> is false), and the check of the written file.</summary>
public sealed record ImportConfigResult(string Yaml, string Target, bool Written, IReadOnlyList<OrchDiagnostic> Diagnostics, OrchError? Error = null);
