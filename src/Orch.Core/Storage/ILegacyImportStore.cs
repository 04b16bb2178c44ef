using Orch.Core.Migration;

namespace Orch.Core.Storage;

/// <summary>Takes in what the legacy engines recorded, once: rows already imported are skipped, so importing twice adds nothing.</summary>
public interface ILegacyImportStore
{
    /// <summary>Stores a legacy database's rows in one transaction, skipping those imported before.</summary>
    /// <param name="batch">The rows, already mapped onto Orch's vocabulary.</param>
    /// <param name="cancellationToken">Cancels the import; nothing is stored then.</param>
    /// <returns>How many rows of each kind were imported and how many skipped.</returns>
    Task<MigrationCounts> ImportLegacyAsync(LegacyImportBatch batch, CancellationToken cancellationToken);
}
