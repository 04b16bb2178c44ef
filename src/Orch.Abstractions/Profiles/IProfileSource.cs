namespace Orch.Abstractions.Profiles;

/// <summary>
/// Supplies profiles: default STATIC and RUNTIME commands, parsers, breakers and capability routing for a kind of
/// repository. Orch's built-in profiles come from one source; a plugin adds its own.
/// </summary>
public interface IProfileSource
{
    /// <summary>Where the profiles come from, as people should read it in messages (for example <c>built-in</c>).</summary>
    string Name { get; }

    /// <summary>Reads the source's profiles. Called once per load; problems in a document are reported with its <see cref="ProfileDocument.Path"/>.</summary>
    /// <returns>The profile documents, in the format of <c>schema/profile.v1.schema.json</c>.</returns>
    IReadOnlyList<ProfileDocument> GetProfiles();
}
