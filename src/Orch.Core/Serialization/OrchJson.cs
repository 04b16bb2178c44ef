using System.Reflection;
using System.Text.Encodings.Web;
using System.Text.Json.Serialization;
using System.Text.Json;

namespace Orch.Core.Serialization;

/// <summary>The JSON settings of everything Orch writes: snake_case names and enum values, the shape documented in schema/.</summary>
public static class OrchJson
{
    public static JsonSerializerOptions Options => Made.Options;

    public static JsonSerializerOptions Indented => Made.Indented;

    // Made at first use, not with the class: `status` words enums through this class and never serializes, and building
    // the options (their compiled metadata among them) cost it a few milliseconds of its start-up.
    private static class Made
    {
        public static readonly JsonSerializerOptions Options = Create(indented: false);
        public static readonly JsonSerializerOptions Indented = Create(indented: true);
    }

    /// <summary>The word an enum value is written as: its <see cref="JsonStringEnumMemberNameAttribute"/> name, else snake_case.</summary>
    public static string EnumText<T>(T value) where T : struct, Enum =>
        EnumWords<T>.Find(value) is { } index ? EnumWords<T>.Texts[index] : Word(typeof(T).GetField(value.ToString()), value.ToString());

    public static T ParseEnum<T>(string text) where T : struct, Enum =>
        EnumWords<T>.Find(text) is { } value ? value : Enum.Parse<T>(text.Replace("_", "", StringComparison.Ordinal), ignoreCase: true);

    /// <summary>Like <see cref="ParseEnum{T}"/>, but <see langword="false"/> for a word that names no value.</summary>
    public static bool TryParseEnum<T>(string text, out T value) where T : struct, Enum
    {
        if (EnumWords<T>.Find(text) is { } found)
        {
            value = found;
            return true;
        }

        return Enum.TryParse(text.Replace("_", "", StringComparison.Ordinal), ignoreCase: true, out value) && Enum.IsDefined(value);
    }

    private static string Word(FieldInfo? field, string name) =>
        field?.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? JsonNamingPolicy.SnakeCaseLower.ConvertName(name);

    /// <summary>
    /// Each named value of an enum with its word, found by reflection once: a queued job writes and reads several. Plain
    /// arrays, searched in order: the framework's generic code over an Orch enum (a dictionary keyed by it,
    /// <c>Enum.Parse&lt;T&gt;</c>) is compiled at its first use in every process, precompiled tool or not, and
    /// <c>status</c> paid for it at start-up. Anything else (a number, combined flags) goes the general way.
    /// </summary>
    private static class EnumWords<T> where T : struct, Enum
    {
        private static readonly FieldInfo[] Fields = typeof(T).GetFields(BindingFlags.Public | BindingFlags.Static);
        private static readonly T[] Values = ValuesOf(Fields);
        // Compared boxed: EqualityComparer<T> over an Orch enum is framework code compiled at first use too.
        private static readonly object[] Boxed = Array.ConvertAll(Fields, field => field.GetValue(null)!);
        private static readonly string[] Names = Array.ConvertAll(Fields, field => field.Name);
        public static readonly string[] Texts = Array.ConvertAll(Fields, field => Word(field, field.Name));

        private static T[] ValuesOf(FieldInfo[] fields)
        {
            var values = new T[fields.Length];
            for (var i = 0; i < fields.Length; i++)
            {
                values[i] = (T)fields[i].GetValue(null)!;
            }

            return values;
        }

        public static int? Find(T value)
        {
            object boxed = value;
            for (var i = 0; i < Boxed.Length; i++)
            {
                if (Boxed[i].Equals(boxed))
                {
                    return i;
                }
            }

            return null;
        }

        // As Enum.Parse reads a word once its underscores are gone: a member's name, in any case.
        public static T? Find(string text)
        {
            var word = text.Replace("_", "", StringComparison.Ordinal);
            for (var i = 0; i < Names.Length; i++)
            {
                if (string.Equals(Names[i], word, StringComparison.OrdinalIgnoreCase))
                {
                    return Values[i];
                }
            }

            return null;
        }
    }

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
