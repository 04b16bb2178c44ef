using System.Globalization;
using System.Security.Cryptography;

namespace Orch.Core.Storage.Sql;

/// <summary>Makes ids that sort by time and stay unique across processes: <c>job-20261125-014000-3fa2c1</c>.</summary>
internal sealed class IdGenerator(TimeProvider time)
{
    public string Next(string prefix)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return string.Create(CultureInfo.InvariantCulture,
            $"{prefix}-{now:yyyyMMdd-HHmmss}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}");
    }
}
