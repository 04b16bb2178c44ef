using Orch.Abstractions.Events;

namespace Orch.Core.Events;

/// <summary>Appends every event to a file, one JSON line each, in the shape of <c>dotnet orch events --format json</c>.</summary>
public sealed class JsonlEventSink : IEventSink, IDisposable
{
    private readonly StreamWriter _writer;

    public JsonlEventSink(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        _writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
    }

    public void Publish(OrchEvent evt) => _writer.WriteLine(EventJson.Line(evt));

    public void Dispose() => _writer.Dispose();
}
