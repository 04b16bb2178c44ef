namespace Orch.Abstractions.Profiles;

/// <summary>One profile as YAML (or JSON), in the format of <c>schema/profile.v1.schema.json</c>.</summary>
/// <param name="Path">Where it came from, for messages: a file path or a resource name.</param>
/// <param name="Text">The document.</param>
public sealed record ProfileDocument(string Path, string Text);
