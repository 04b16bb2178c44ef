using Orch.Abstractions.Diagnostics;

namespace Orch.Core.Storage;

/// <summary>A finding as stored: one row per signature, with how often and when it was seen.</summary>
/// <param name="Signature">The stable signature findings are deduplicated by.</param>
/// <param name="Finding">The latest occurrence.</param>
/// <param name="Count">How many times it was seen.</param>
/// <param name="FirstSeen">When it was first seen.</param>
/// <param name="LastSeen">When it was last seen.</param>
public sealed record FindingRecord(string Signature, Finding Finding, int Count, DateTimeOffset FirstSeen, DateTimeOffset LastSeen);
