using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using Orch.Core.Jobs;

namespace Orch.Core.Serialization;

/// <summary>
/// Reads a stored job spec. A worker reads one with each job it claims, and the serializer's general machinery cost
/// about a tenth of a trivial job's bookkeeping there; the spec as Orch writes it is read here in one pass instead. Any
/// other shape (a field this reader does not know, an escaped name, a number for an enum) goes to the serializer, whose
/// result it then is (<c>JobSpecReaderTests</c>). One difference, on purpose: a field absent from an older spec gets the
/// spec's declared default here, where the serializer's compiled metadata leaves an init-only field it did not see empty.
/// </summary>
internal static class JobSpecReader
{
    // What an absent field is: the spec's own defaults, taken from an instance rather than written down twice.
    private static readonly JobSpec Defaults = new() { Name = "", Tool = "", Command = [], RepositoryRoot = "", WorkingDirectory = "" };
    private static readonly RetrySettings RetryDefaults = new();

    public static JobSpec Read(string json)
    {
        var most = Encoding.UTF8.GetMaxByteCount(json.Length);
        var rented = most > 2048 ? ArrayPool<byte>.Shared.Rent(most) : null;
        try
        {
            Span<byte> buffer = rented ?? stackalloc byte[2048];
            var length = Encoding.UTF8.GetBytes(json, buffer);
            return TryRead(buffer[..length]) ?? JsonSerializer.Deserialize<JobSpec>(json, OrchJson.Options)
                ?? throw new JsonException("A job spec is null.");
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>The spec in <paramref name="utf8"/>, or <see langword="null"/> when it is not in the shape Orch writes.</summary>
    internal static JobSpec? TryRead(ReadOnlySpan<byte> utf8)
    {
        try
        {
            var reader = new Utf8JsonReader(utf8);
            return reader.Read() && reader.TokenType == JsonTokenType.StartObject ? ReadSpec(ref reader) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static JobSpec? ReadSpec(ref Utf8JsonReader reader)
    {
        string? name = null, tool = null, root = null, directory = null, logFile = null, errorReport = null, sourceRunId = null, workstreamId = null,
            phase = null, checkCommand = null, prompt = null, model = null, executable = null, resultsDirectory = null, sourceFile = null;
        List<string>? command = null, filesScope = null;
        List<int>? successCodes = null;
        Dictionary<string, string>? environment = null;
        bool? useShell = null;
        TimeSpan? timeout = null, stallTimeout = null, stopGrace = null;
        int? maxTurns = null;
        RetrySettings? retry = null;
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                return name is null || tool is null || command is null || root is null || directory is null || reader.Read() ? null : new JobSpec
                {
                    Name = name,
                    Tool = tool,
                    Command = command,
                    UseShell = useShell ?? Defaults.UseShell,
                    Environment = environment ?? new Dictionary<string, string>(),
                    RepositoryRoot = root,
                    WorkingDirectory = directory,
                    LogFile = logFile,
                    ErrorReport = errorReport,
                    Timeout = timeout ?? Defaults.Timeout,
                    StallTimeout = stallTimeout,
                    StopGrace = stopGrace,
                    Retry = retry ?? RetryDefaults,
                    SourceRunId = sourceRunId,
                    WorkstreamId = workstreamId,
                    FilesScope = filesScope ?? [.. Defaults.FilesScope],
                    SuccessExitCodes = successCodes ?? [.. Defaults.SuccessExitCodes],
                    Phase = phase,
                    CheckCommand = checkCommand,
                    Prompt = prompt,
                    Model = model,
                    MaxTurns = maxTurns,
                    Executable = executable,
                    ResultsDirectory = resultsDirectory,
                    SourceFile = sourceFile,
                };
            }

            if (!Field(ref reader, out var field))
            {
                return null;
            }

            var known = field switch
            {
                _ when field.SequenceEqual("name"u8) => String(ref reader, out name),
                _ when field.SequenceEqual("tool"u8) => String(ref reader, out tool),
                _ when field.SequenceEqual("command"u8) => Strings(ref reader, out command),
                _ when field.SequenceEqual("use_shell"u8) => Bool(ref reader, out useShell),
                _ when field.SequenceEqual("environment"u8) => Variables(ref reader, out environment),
                _ when field.SequenceEqual("repository_root"u8) => String(ref reader, out root),
                _ when field.SequenceEqual("working_directory"u8) => String(ref reader, out directory),
                _ when field.SequenceEqual("log_file"u8) => NullableString(ref reader, out logFile),
                _ when field.SequenceEqual("error_report"u8) => NullableString(ref reader, out errorReport),
                _ when field.SequenceEqual("timeout"u8) => Duration(ref reader, nullable: false, out timeout),
                _ when field.SequenceEqual("stall_timeout"u8) => Duration(ref reader, nullable: true, out stallTimeout),
                _ when field.SequenceEqual("stop_grace"u8) => Duration(ref reader, nullable: true, out stopGrace),
                _ when field.SequenceEqual("retry"u8) => Retry(ref reader, out retry),
                _ when field.SequenceEqual("source_run_id"u8) => NullableString(ref reader, out sourceRunId),
                _ when field.SequenceEqual("workstream_id"u8) => NullableString(ref reader, out workstreamId),
                _ when field.SequenceEqual("files_scope"u8) => Strings(ref reader, out filesScope),
                _ when field.SequenceEqual("success_exit_codes"u8) => Numbers(ref reader, out successCodes),
                _ when field.SequenceEqual("phase"u8) => NullableString(ref reader, out phase),
                _ when field.SequenceEqual("check_command"u8) => NullableString(ref reader, out checkCommand),
                _ when field.SequenceEqual("prompt"u8) => NullableString(ref reader, out prompt),
                _ when field.SequenceEqual("model"u8) => NullableString(ref reader, out model),
                _ when field.SequenceEqual("max_turns"u8) => NullableNumber(ref reader, out maxTurns),
                _ when field.SequenceEqual("executable"u8) => NullableString(ref reader, out executable),
                _ when field.SequenceEqual("results_directory"u8) => NullableString(ref reader, out resultsDirectory),
                _ when field.SequenceEqual("source_file"u8) => NullableString(ref reader, out sourceFile),
                _ => false,
            };
            if (!known)
            {
                return null;
            }
        }

        return null;
    }

    private static RetrySettings? ReadRetry(ref Utf8JsonReader reader)
    {
        int? maxRetries = null;
        TimeSpan? baseDelay = null;
        bool? useJitter = null;
        RetryPolicy? policy = null;
        string? escalateTo = null;
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                return new RetrySettings
                {
                    MaxRetries = maxRetries ?? RetryDefaults.MaxRetries,
                    BaseDelay = baseDelay ?? RetryDefaults.BaseDelay,
                    UseJitter = useJitter ?? RetryDefaults.UseJitter,
                    Policy = policy ?? RetryDefaults.Policy,
                    EscalateTo = escalateTo,
                };
            }

            if (!Field(ref reader, out var field))
            {
                return null;
            }

            var known = field switch
            {
                _ when field.SequenceEqual("max_retries"u8) => Number(ref reader, out maxRetries),
                _ when field.SequenceEqual("base_delay"u8) => Duration(ref reader, nullable: false, out baseDelay),
                _ when field.SequenceEqual("use_jitter"u8) => Bool(ref reader, out useJitter),
                _ when field.SequenceEqual("policy"u8) => Policy(ref reader, out policy),
                _ when field.SequenceEqual("escalate_to"u8) => NullableString(ref reader, out escalateTo),
                _ => false,
            };
            if (!known)
            {
                return null;
            }
        }

        return null;
    }

    // The next field's name, unescaped, with the reader on its value; false for anything else.
    private static bool Field(ref Utf8JsonReader reader, out ReadOnlySpan<byte> name)
    {
        name = default;
        if (reader.TokenType != JsonTokenType.PropertyName || reader.ValueIsEscaped)
        {
            return false;
        }

        name = reader.ValueSpan;
        return reader.Read();
    }

    private static bool Retry(ref Utf8JsonReader reader, out RetrySettings? value)
    {
        value = reader.TokenType == JsonTokenType.StartObject ? ReadRetry(ref reader) : null;
        return value is not null;
    }

    private static bool String(ref Utf8JsonReader reader, out string? value)
    {
        value = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        return value is not null;
    }

    private static bool NullableString(ref Utf8JsonReader reader, out string? value)
    {
        value = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        return reader.TokenType is JsonTokenType.String or JsonTokenType.Null;
    }

    private static bool Bool(ref Utf8JsonReader reader, out bool? value)
    {
        value = reader.TokenType switch { JsonTokenType.True => true, JsonTokenType.False => false, _ => null };
        return value is not null;
    }

    private static bool Number(ref Utf8JsonReader reader, out int? value)
    {
        value = reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var number) ? number : null;
        return value is not null;
    }

    private static bool NullableNumber(ref Utf8JsonReader reader, out int? value) =>
        Number(ref reader, out value) || reader.TokenType == JsonTokenType.Null;

    // As the serializer reads a TimeSpan: the constant ("c") format, the whole text, unescaped.
    private static bool Duration(ref Utf8JsonReader reader, bool nullable, out TimeSpan? value)
    {
        value = null;
        if (reader.TokenType == JsonTokenType.Null)
        {
            return nullable;
        }

        if (reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped || reader.HasValueSequence
            || !Utf8Parser.TryParse(reader.ValueSpan, out TimeSpan parsed, out var used, 'c') || used != reader.ValueSpan.Length)
        {
            return false;
        }

        value = parsed;
        return true;
    }

    private static bool Policy(ref Utf8JsonReader reader, out RetryPolicy? value)
    {
        value = reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped ? null
            : reader.ValueSpan.SequenceEqual("retry_same"u8) ? RetryPolicy.RetrySame
            : reader.ValueSpan.SequenceEqual("escalate"u8) ? RetryPolicy.Escalate
            : reader.ValueSpan.SequenceEqual("none"u8) ? RetryPolicy.None
            : null;
        return value is not null;
    }

    private static bool Strings(ref Utf8JsonReader reader, out List<string>? value)
    {
        value = null;
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return false;
        }

        var items = new List<string>();
        while (reader.Read() && reader.TokenType == JsonTokenType.String)
        {
            items.Add(reader.GetString()!);
        }

        value = reader.TokenType == JsonTokenType.EndArray ? items : null;
        return value is not null;
    }

    private static bool Numbers(ref Utf8JsonReader reader, out List<int>? value)
    {
        value = null;
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return false;
        }

        var items = new List<int>();
        while (reader.Read() && reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var number))
        {
            items.Add(number);
        }

        value = reader.TokenType == JsonTokenType.EndArray ? items : null;
        return value is not null;
    }

    private static bool Variables(ref Utf8JsonReader reader, out Dictionary<string, string>? value)
    {
        value = null;
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        var items = new Dictionary<string, string>();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = reader.GetString()!;
            if (!reader.Read() || reader.TokenType != JsonTokenType.String)
            {
                return false;
            }

            items[key] = reader.GetString()!;
        }

        value = reader.TokenType == JsonTokenType.EndObject ? items : null;
        return value is not null;
    }
}
