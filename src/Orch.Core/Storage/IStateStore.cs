namespace Orch.Core.Storage;

/// <summary>
/// Every store role one backend implements. The default is a SQLite file shared by every <c>dotnet orch</c> process of a
/// repository; a server database implements the same roles and passes the same contract tests. Engine code takes the
/// narrow role it needs, never this aggregate.
/// </summary>
public interface IStateStore : IRunStore, IJobStore, IEventLog, ICostLedger, ITestResultStore, ILegacyImportStore, IAsyncDisposable;
