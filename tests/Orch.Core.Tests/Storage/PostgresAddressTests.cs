using Npgsql;
using Orch.Core.Application;
using Orch.Core.Storage;
using Orch.Core.Storage.Postgres;
using Orch.Testing;

namespace Orch.Core.Tests.Storage;

[TestClass]
public sealed class PostgresAddressTests
{
    [TestMethod]
    public void Parse_ReadsUserPasswordHostPortDatabaseAndTls_AndDisplaysNoPassword()
    {
        var address = PostgresAddress.Parse("postgres://orch%40ci:p%40ss%3Aword@db.internal:6543/state?sslmode=verify-full&sslrootcert=/etc/ca.pem&connect_timeout=7");
        var settings = new NpgsqlConnectionStringBuilder(address.ConnectionString);

        Assert.AreEqual("orch@ci", settings.Username);
        Assert.AreEqual("p@ss:word", settings.Password);
        Assert.AreEqual("db.internal", settings.Host);
        Assert.AreEqual(6543, settings.Port);
        Assert.AreEqual("state", settings.Database);
        Assert.AreEqual(SslMode.VerifyFull, settings.SslMode);
        Assert.AreEqual("/etc/ca.pem", settings.RootCertificate);
        Assert.AreEqual(7, settings.Timeout);
        Assert.AreEqual("postgres://orch@ci@db.internal:6543/state?sslmode=verify-full&sslrootcert=/etc/ca.pem&connect_timeout=7", address.Display);
        Assert.IsFalse(address.Display.Contains("word", StringComparison.Ordinal));
    }

    [TestMethod]
    public void Parse_OfAnUnknownSettingOrNoHost_IsRefusedWithoutThePassword()
    {
        var unknown = Assert.ThrowsExactly<StateDatabaseException>(() => PostgresAddress.Parse("postgres://u:topsecret@h/db?pool=9"));
        var hostless = Assert.ThrowsExactly<StateDatabaseException>(() => PostgresAddress.Parse("postgres://u:topsecret@/db"));

        StringAssert.Contains(unknown.Message, "'pool' is not a setting");
        StringAssert.Contains(unknown.Message, "sslmode");
        Assert.IsFalse(unknown.Message.Contains("topsecret", StringComparison.Ordinal) || unknown.Hint.Contains("topsecret", StringComparison.Ordinal));
        Assert.IsFalse(hostless.Message.Contains("topsecret", StringComparison.Ordinal));
        Assert.AreEqual(StateDatabaseFault.NotADatabase, unknown.Fault);
    }

    [TestMethod]
    public void Resolve_TakesTheFlagFirst_ThenTheSettings_ThenTheDefaultFile()
    {
        using var repo = new TempDirectory();
        var fallback = DatabaseAddress.Resolve(null, repo.Path);
        repo.Write(".orch/orch.yaml", "version: 1\ndatabase: 'postgres://orch@db/orch'  # the team's queue\n");
        var fromSettings = DatabaseAddress.Resolve(null, repo.Path);
        var fromFlag = DatabaseAddress.Resolve("elsewhere.db", repo.Path);
        repo.Write(".orch/orch.yaml", "database: state/orch.db\n");
        var relative = DatabaseAddress.Resolve("", repo.Path);

        Assert.AreEqual(Path.Combine(repo.Path, ".orch", "state.db"), fallback);
        Assert.AreEqual("postgres://orch@db/orch", fromSettings);
        Assert.AreEqual(Path.GetFullPath("elsewhere.db"), fromFlag);
        Assert.AreEqual(Path.Combine(repo.Path, "state", "orch.db"), relative, "a file in the settings is relative to the repository");
        Assert.AreEqual("postgres://u@h:5433/d", DatabaseAddress.Display("postgres://u:pw@h:5433/d"));
    }
}
