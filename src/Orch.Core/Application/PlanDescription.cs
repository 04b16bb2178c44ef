using Orch.Core.Planning;

namespace Orch.Core.Application;

/// <summary>A loaded plan and the waves it runs in, for people to read; nothing runs.</summary>
public sealed record PlanDescription(Plan Plan, IReadOnlyList<Wave> Waves);
