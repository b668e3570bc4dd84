using ParNetDetect.Service.Configuration;

namespace ParNetDetect.Service.Events;

/// <summary>
/// Object events, one JSON object per line, appended to a file rotated by size: events.jsonl is live,
/// events.1.jsonl the newest rotated one, up to RetainedFiles of them. Frame reports are not written (they would
/// dwarf the events); MQTT carries those.
/// </summary>
public sealed class JsonLinesEventSink(EventOptions options) : IEventSink
{
    readonly string _path = Path.GetFullPath(options.JsonLinesPath!);
    FileStream? _stream;

    public string Name => "jsonl";
    public long Dropped => 0; // a failed write throws and is logged by the dispatcher

    public Task StartAsync(CancellationToken ct)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        Open();
        return Task.CompletedTask;
    }

    void Open() => _stream = new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.Read, 64 * 1024);

    public async Task WriteEventAsync(ObjectEvent e, CancellationToken ct)
    {
        byte[] line = EventJson.Serialize(e);
        if (_stream!.Length > 0 && _stream.Length + line.Length + 1 > options.MaxFileBytes)
            await RotateAsync(ct);
        await _stream!.WriteAsync(line, ct);
        _stream.WriteByte((byte)'\n');
    }

    public Task WriteReportAsync(FrameReport report, CancellationToken ct) => Task.CompletedTask;

    public Task FlushAsync(CancellationToken ct) => _stream?.FlushAsync(ct) ?? Task.CompletedTask;

    async Task RotateAsync(CancellationToken ct)
    {
        await _stream!.DisposeAsync();
        string Rotated(int n) => Path.ChangeExtension(_path, null) + $".{n}" + Path.GetExtension(_path);
        if (options.RetainedFiles == 0) File.Delete(_path);
        else
        {
            File.Delete(Rotated(options.RetainedFiles));
            for (int n = options.RetainedFiles - 1; n >= 1; n--)
                if (File.Exists(Rotated(n))) File.Move(Rotated(n), Rotated(n + 1));
            File.Move(_path, Rotated(1));
        }
        Open();
    }

    public async ValueTask DisposeAsync()
    {
        if (_stream != null) await _stream.DisposeAsync();
        _stream = null;
    }
}
