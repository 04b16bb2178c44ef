using System.Globalization;
using Npgsql;

namespace Orch.Core.Storage.Postgres;

/// <summary>
/// A <c>postgres://user:password@host:port/database?sslmode=…</c> address, as people write it, read into Npgsql's
/// settings. <see cref="Display"/> is the address without its password: the only form Orch ever prints or stores.
/// </summary>
internal sealed record PostgresAddress(string ConnectionString, string Display)
{
    // Query parameters libpq users know, mapped to Npgsql's names.
    private static readonly Dictionary<string, string> Known = new(StringComparer.OrdinalIgnoreCase)
    {
        ["sslmode"] = "SSL Mode",
        ["sslrootcert"] = "Root Certificate",
        ["sslcert"] = "SSL Certificate",
        ["sslkey"] = "SSL Key",
        ["sslpassword"] = "SSL Password",
        ["connect_timeout"] = "Timeout",
        ["application_name"] = "Application Name",
        ["target_session_attrs"] = "Target Session Attributes",
        ["options"] = "Options",
        ["keepalives_idle"] = "Keepalive",
    };

    public static bool IsAddress(string? text) =>
        text is not null && (text.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase));

    /// <summary>The address without its password (and without a password in its query).</summary>
    public static string Redact(string address)
    {
        if (!Uri.TryCreate(address, UriKind.Absolute, out var uri))
        {
            return "postgres://(an address Orch could not read)";
        }

        var user = uri.UserInfo.Split(':')[0];
        var query = string.Join('&', uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Where(p => !p.StartsWith("password=", StringComparison.OrdinalIgnoreCase) && !p.StartsWith("sslpassword=", StringComparison.OrdinalIgnoreCase)));
        return $"{uri.Scheme}://{(user.Length > 0 ? Uri.UnescapeDataString(user) + "@" : "")}{uri.Host}{(uri.IsDefaultPort || uri.Port < 0 ? "" : ":" + uri.Port.ToString(CultureInfo.InvariantCulture))}{uri.AbsolutePath}{(query.Length > 0 ? "?" + query : "")}";
    }

    /// <exception cref="StateDatabaseException">The address cannot be read; the message never holds the password.</exception>
    public static PostgresAddress Parse(string address, bool readOnly = false)
    {
        var display = Redact(address);
        if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
        {
            throw Invalid(display, "it is not an address of the form postgres://user:password@host:port/database");
        }

        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port <= 0 ? 5432 : uri.Port,
            Database = Uri.UnescapeDataString(uri.AbsolutePath.Trim('/')) is { Length: > 0 } name ? name : "postgres",
            // Orch's own connection handling: one connection per process, opened again after a drop.
            Pooling = true,
            MaxPoolSize = 4,
            ApplicationName = "orch",
        };
        var userInfo = uri.UserInfo.Split(':', 2);
        if (userInfo[0].Length > 0)
        {
            builder.Username = Uri.UnescapeDataString(userInfo[0]);
        }

        if (userInfo.Length == 2)
        {
            builder.Password = Uri.UnescapeDataString(userInfo[1]);
        }

        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var (key, value) = pair.Split('=', 2) is [var k, var v] ? (Uri.UnescapeDataString(k), Uri.UnescapeDataString(v)) : (Uri.UnescapeDataString(pair), "");
            if (string.Equals(key, "password", StringComparison.OrdinalIgnoreCase))
            {
                builder.Password = value;
                continue;
            }

            if (!Known.TryGetValue(key, out var setting))
            {
                throw Invalid(display, $"'{key}' is not a setting Orch passes on (it knows password, {string.Join(", ", Known.Keys)})");
            }

            try
            {
                builder[setting] = key.Equals("sslmode", StringComparison.OrdinalIgnoreCase) ? SslMode(value) : value;
            }
            catch (ArgumentException ex)
            {
                throw Invalid(display, $"{key}={value} is not valid: {ex.Message}");
            }
        }

        if (readOnly)
        {
            // The server itself refuses every write on these connections.
            builder.Options = $"{builder.Options} -c default_transaction_read_only=on".Trim();
        }

        return new PostgresAddress(builder.ConnectionString, display);
    }

    // libpq spells the modes in lower case with dashes; Npgsql wants its enum names.
    private static string SslMode(string value) => value.ToLowerInvariant() switch
    {
        "disable" => "Disable",
        "allow" => "Allow",
        "prefer" => "Prefer",
        "require" => "Require",
        "verify-ca" => "VerifyCA",
        "verify-full" => "VerifyFull",
        _ => value,
    };

    private static StateDatabaseException Invalid(string display, string why) =>
        new(display, $"{display}: {why}.",
            "Write it as postgres://USER@HOST:PORT/DATABASE?sslmode=require (the password may come from PGPASSWORD or ~/.pgpass instead of the address).",
            null, StateDatabaseFault.NotADatabase);
}
