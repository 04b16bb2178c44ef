using System.Reflection;
using System.Text.Encodings.Web;
using System.Text.Json.Serialization;
using System.Text.Json;

namespace Orch.Core.Serialization;

/// <summary>The JSON settings of everything Orch writes: snake_case names and enum values, the shape documented in schema/.</summary>
public static class OrchJson
{
    public static JsonSerializerOptions Options { get; } = Create(indented: false);

    public static JsonSerializerOptions Indented { get; } = Create(indented: true);

    /// <summary>The word an enum value is written as: its <see cref="JsonStringEnumMemberNameAttribute"/> name, else snake_case.</summary>
    public static string EnumText<T>(T value) where T : struct, Enum => EnumTexts<T>.Texts.GetOrAdd(value, static v =>
        typeof(T).GetField(v.ToString())?.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name
        ?? JsonNamingPolicy.SnakeCaseLower.ConvertName(v.ToString()));

    // Each value's text, found by reflection once: a queued job writes several of them.
    private static class EnumTexts<T> where T : struct, Enum
    {
        public static readonly System.Collections.Concurrent.ConcurrentDictionary<T, string> Texts = new();
    }

    public static T ParseEnum<T>(string text) where T : struct, Enum =>
        Enum.Parse<T>(text.Replace("_", "", StringComparison.Ordinal), ignoreCase: true);

    /// <summary>Like <see cref="ParseEnum{T}"/>, but <see langword="false"/> for a word that names no value.</summary>
    public static bool TryParseEnum<T>(string text, out T value) where T : struct, Enum =>
        Enum.TryParse(text.Replace("_", "", StringComparison.Ordinal), ignoreCase: true, out value) && Enum.IsDefined(value);

    private static JsonSerializerOptions Create(bool indented)
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            DictionaryKeyPolicy = null,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            WriteIndented = indented,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            // A queued job's spec and events from compiled metadata, everything else by reflection, all under these options.
            TypeInfoResolver = System.Text.Json.Serialization.Metadata.JsonTypeInfoResolver.Combine(QueueJsonContext.Default,
                new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver()),
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
