using System.Diagnostics;
using Microsoft.Extensions.Logging;
using ParNetDetect.Service.Configuration;

namespace ParNetDetect.Service.Events;

/// <summary>
/// Object events, one JSON object per line, appended to a file rotated by size: events.jsonl is live,
/// events.1.jsonl the newest rotated one, up to RetainedFiles of them. Frame reports are not written (they would
/// dwarf the events); MQTT carries those. The path is checked at start (<see cref="OutputPaths"/>); if writing fails
/// later (disk full, folder removed), the service carries on: events are dropped and counted, the error is logged
/// once, and the file is reopened at most every <c>retryEvery</c> until writing works again.
/// </summary>
public sealed class JsonLinesEventSink(EventOptions options, ILogger<JsonLinesEventSink> logger, TimeSpan? retryEvery = null) : IEventSink
{
    readonly string _path = Path.GetFullPath(options.JsonLinesPath!);
    readonly TimeSpan _retryEvery = retryEvery ?? TimeSpan.FromSeconds(5);
    FileStream? _stream;
    long _failedAt; // Stopwatch timestamp of the last failure; 0 while writing works

    public string Name => "jsonl";
    public long Dropped { get; private set; }

    public Task StartAsync(CancellationToken ct)
    {
        logger.LogInformation("Events are written to {Path}", _path);
        TryOpen();
        return Task.CompletedTask;
    }

    bool TryOpen()
    {
        if (_failedAt != 0 && Stopwatch.GetElapsedTime(_failedAt) < _retryEvery) return false;
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
            _stream = new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.Read, 64 * 1024);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Fail(e);
            return false;
        }
        if (_failedAt != 0) logger.LogInformation("Events file {Path} is written again ({Dropped} events dropped so far)", _path, Dropped);
        _failedAt = 0;
        return true;
    }

    public async Task WriteEventAsync(ObjectEvent e, CancellationToken ct)
    {
        byte[] line = EventJson.Serialize(e);
        try
        {
            if (_stream != null && _stream.Length > 0 && _stream.Length + line.Length + 1 > options.MaxFileBytes)
                Rotate();
            if (_stream == null && !TryOpen())
            {
                Dropped++;
                return;
            }
            await _stream!.WriteAsync(line, ct);
            _stream.WriteByte((byte)'\n');
        }
        catch (Exception x) when (x is IOException or UnauthorizedAccessException)
        {
            Dropped++;
            Fail(x);
        }
    }

    public Task WriteReportAsync(FrameReport report, CancellationToken ct) => Task.CompletedTask;

    public async Task FlushAsync(CancellationToken ct)
    {
        if (_stream == null) return;
        try { await _stream.FlushAsync(ct); }
        catch (IOException e) { Fail(e); }
    }

    /// <summary>Moves the live file to .1 (and older ones up); the next write opens a new live file.</summary>
    void Rotate()
    {
        Close();
        string Rotated(int n) => Path.ChangeExtension(_path, null) + $".{n}" + Path.GetExtension(_path);
        if (options.RetainedFiles == 0) File.Delete(_path);
        else
        {
            File.Delete(Rotated(options.RetainedFiles));
            for (int n = options.RetainedFiles - 1; n >= 1; n--)
                if (File.Exists(Rotated(n))) File.Move(Rotated(n), Rotated(n + 1));
            File.Move(_path, Rotated(1));
        }
    }

    void Fail(Exception e)
    {
        if (_failedAt == 0)
            logger.LogError("Events file {Path} cannot be written ({Error}); events are dropped until it can be, retried every {Seconds} s",
                _path, e.Message, _retryEvery.TotalSeconds);
        _failedAt = Stopwatch.GetTimestamp();
        Close();
    }

    void Close()
    {
        try { _stream?.Dispose(); }
        catch (IOException) { } // its unwritten lines are lost with the failure already reported
        _stream = null;
    }

    public ValueTask DisposeAsync()
    {
        Close();
        return ValueTask.CompletedTask;
    }
}
