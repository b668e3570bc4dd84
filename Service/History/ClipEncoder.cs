using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;

namespace ParNetDetect.Service.History;

/// <summary>How a clip ended: written (with its size), or failed with the one line that says why
/// (<see cref="FfmpegMissing"/> when ffmpeg itself could not be run).</summary>
public sealed record ClipResult(string Camera, string RelativePath, DateTimeOffset Start, DateTimeOffset End, long Bytes,
    string? Error, bool FfmpegMissing = false)
{
    public bool Written => Error == null;
}

/// <summary>
/// One clip: JPEG frames piped into an ffmpeg process that writes H.264 (yuv420p, so every browser plays it) in an
/// MP4 with its index at the front (faststart, so a browser seeks before the whole file has arrived). Frames come at
/// the detection loop's uneven pace; they are laid on a fixed frame rate (the latest frame at or before each tick,
/// repeated or skipped) so the clip plays in real time. The file is written as NAME.part and renamed when ffmpeg
/// succeeds, so a clip file that exists is complete. ffmpeg runs below normal priority: detection comes first.
/// Frames wait in a bounded queue; if ffmpeg falls behind, frames are dropped and counted, never waited for.
/// </summary>
public sealed class ClipEncoder
{
    const int QueueFrames = 120;
    readonly Channel<EncodedFrame> _frames = Channel.CreateBounded<EncodedFrame>(
        new BoundedChannelOptions(QueueFrames) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    readonly string _ffmpeg, _folder, _camera;
    readonly double _fps;
    DateTimeOffset _end;
    volatile bool _closed;
    long _dropped;

    public ClipEncoder(string ffmpeg, string folder, string camera, string relativePath, DateTimeOffset start, double fps)
    {
        (_ffmpeg, _folder, _camera, RelativePath, Start, _fps) = (ffmpeg, folder, camera, relativePath, start, fps);
        Completion = Task.Run(RunAsync);
    }

    public string RelativePath { get; }
    public DateTimeOffset Start { get; }
    public Task<ClipResult> Completion { get; }
    public long DroppedFrames => Interlocked.Read(ref _dropped);
    /// <summary>The clip's last moment; null while it is open.</summary>
    public DateTimeOffset? End => _closed ? _end : null;

    public void Add(EncodedFrame frame)
    {
        // A clip that already failed refuses frames too; only frames a running ffmpeg could not keep up with count.
        if (!_frames.Writer.TryWrite(frame) && !Completion.IsCompleted) Interlocked.Increment(ref _dropped);
    }

    /// <summary>No more frames: the clip ends at <paramref name="end"/> and ffmpeg finishes the file.</summary>
    public void Close(DateTimeOffset end)
    {
        _end = end;
        _closed = true;
        _frames.Writer.TryComplete();
    }

    async Task<ClipResult> RunAsync()
    {
        string path = Path.Combine(_folder, RelativePath), part = path + ".part";
        Process? ffmpeg = null;
        var stderr = new Queue<string>();
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            ffmpeg = StartFfmpeg(part, stderr);
            await WriteFramesAsync(ffmpeg.StandardInput.BaseStream);
            ffmpeg.StandardInput.Close();
            await ffmpeg.WaitForExitAsync();
            ffmpeg.WaitForExit(); // and its stderr reader
            if (ffmpeg.ExitCode != 0 || !File.Exists(part))
                return Failed($"ffmpeg exit code {ffmpeg.ExitCode}{Tail(stderr)}");
            File.Move(part, path, overwrite: true);
            return new ClipResult(_camera, RelativePath, Start, _end, new FileInfo(path).Length, null);
        }
        catch (Win32Exception e)
        {
            return Failed($"'{_ffmpeg}' could not be run ({e.Message}); install ffmpeg (apt-get install ffmpeg) or set Detect:History:FfmpegPath") with { FfmpegMissing = true };
        }
        catch (IOException e) // ffmpeg went away mid-clip (broken pipe), or the folder cannot be written
        {
            try { ffmpeg?.Kill(); } catch (InvalidOperationException) { } // already gone
            ffmpeg?.WaitForExit();
            return Failed(ffmpeg is { HasExited: true } ? $"ffmpeg exit code {ffmpeg.ExitCode}{Tail(stderr)}" : e.Message);
        }
        catch (UnauthorizedAccessException e)
        {
            return Failed(e.Message);
        }
        finally
        {
            ffmpeg?.Dispose();
            _frames.Writer.TryComplete();
            while (_frames.Reader.TryRead(out _)) { } // a failed clip lets go of its queued frames at once
            try { File.Delete(part); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
    }

    ClipResult Failed(string why) => new(_camera, RelativePath, Start, _end, 0, why);

    static string Tail(Queue<string> stderr)
    {
        lock (stderr) return stderr.Count == 0 ? "" : ": " + string.Join(" | ", stderr);
    }

    Process StartFfmpeg(string part, Queue<string> stderr)
    {
        string fps = _fps.ToString("0.###", CultureInfo.InvariantCulture);
        var info = new ProcessStartInfo(_ffmpeg) { RedirectStandardInput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in new[]
                 {
                     "-hide_banner", "-loglevel", "error", "-f", "image2pipe", "-framerate", fps, "-c:v", "mjpeg", "-i", "pipe:0",
                     "-an", "-vf", "scale=trunc(iw/2)*2:trunc(ih/2)*2", "-c:v", "libx264", "-preset", "veryfast", "-crf", "26",
                     // A key frame every 2 s: a browser seeks to any moment quickly. One thread: the detector has the cores.
                     "-g", ((int)Math.Ceiling(_fps * 2)).ToString(CultureInfo.InvariantCulture), "-threads", "1",
                     "-pix_fmt", "yuv420p", "-movflags", "+faststart", "-f", "mp4", "-y", part,
                 })
            info.ArgumentList.Add(a);
        var process = Process.Start(info) ?? throw new IOException($"'{_ffmpeg}' did not start");
        try { process.PriorityClass = ProcessPriorityClass.BelowNormal; }
        catch (Exception e) when (e is Win32Exception or InvalidOperationException) { } // it may already have exited
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data == null) return;
            lock (stderr)
            {
                stderr.Enqueue(e.Data);
                while (stderr.Count > 3) stderr.Dequeue();
            }
        };
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Lays the frames on ticks of 1/fps from the clip's start: each tick shows the latest frame at or
    /// before it, until the end.</summary>
    async Task WriteFramesAsync(Stream stdin)
    {
        var tick = TimeSpan.FromSeconds(1 / _fps);
        long k = 0;
        EncodedFrame? previous = null;
        await foreach (var frame in _frames.Reader.ReadAllAsync())
        {
            if (previous is { } p)
                for (; Start + tick * k < frame.At; k++) await stdin.WriteAsync(p.Jpeg);
            previous = frame;
        }
        if (previous is { } last)
            do await stdin.WriteAsync(last.Jpeg);
            while (Start + tick * ++k <= _end);
    }
}
