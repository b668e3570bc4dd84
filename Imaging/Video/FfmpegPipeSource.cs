using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using OpenCvSharp;

namespace ParNetDetect.Imaging.Video;

/// <summary>
/// A network camera (RTSP, HTTP MJPEG, ...) decoded by an <c>ffmpeg</c> child process that writes raw BGR24 frames
/// to its stdout. OpenCvSharp's bundled FFmpeg is built without networking, Debian's ffmpeg is not; a child process
/// also keeps a misbehaving demuxer out of our address space. A read that stalls past the timeout kills the child,
/// so a frozen stream turns into a reconnect instead of a stuck camera. ffmpeg quotes the URL, credentials included,
/// in its errors: they are masked before they become part of a message.
/// </summary>
/// <param name="url">The URL with its scheme in lower case (<see cref="FrameSources.NetworkUrl"/>).</param>
public sealed class FfmpegPipeSource(string url, int width, int height, TimeSpan readTimeout) : IFrameSource
{
    Process? _process;
    byte[] _buffer = [];
    int _width, _height;
    readonly Queue<string> _stderrTail = new();

    public string Description => CredentialMask.Apply(url);
    public double FramesPerSecond => 0; // ffmpeg's raw pipe carries no rate, and ffprobe is not asked for one

    public void Open(CancellationToken ct)
    {
        Dispose();
        (_width, _height) = width > 0 ? (width, height) : Probe(ct);
        _buffer = new byte[_width * _height * 3];

        var args = new List<string> { "-hide_banner", "-loglevel", "error", "-nostdin" };
        if (url.StartsWith("rtsp", StringComparison.OrdinalIgnoreCase)) args.AddRange(["-rtsp_transport", "tcp"]);
        args.AddRange(["-i", url, "-an", "-vf", $"scale={_width}:{_height}", "-f", "rawvideo", "-pix_fmt", "bgr24", "pipe:1"]);
        _process = Start("ffmpeg", args);
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data == null) return;
            lock (_stderrTail)
            {
                _stderrTail.Enqueue(CredentialMask.Apply(e.Data));
                while (_stderrTail.Count > 5) _stderrTail.Dequeue();
            }
        };
        _process.BeginErrorReadLine();
    }

    public bool Read(Mat frame, CancellationToken ct)
    {
        var process = _process ?? throw new InvalidOperationException("Open the source first.");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(readTimeout);
        int got;
        try
        {
            got = process.StandardOutput.BaseStream
                .ReadAtLeastAsync(_buffer, _buffer.Length, throwOnEndOfStream: false, timeout.Token)
                .AsTask().GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new FrameSourceException($"'{Description}' delivered no frame for {readTimeout.TotalSeconds:0.#} s.");
        }
        if (got < _buffer.Length)
        {
            // The timed wait does not wait for the stderr reader; the untimed one does, once the process is gone.
            if (process.WaitForExit(1000)) process.WaitForExit();
            throw new FrameSourceException($"'{Description}' ended (ffmpeg {(process.HasExited ? $"exit code {process.ExitCode}" : "still running")}){LastError()}.");
        }
        frame.Create(_height, _width, MatType.CV_8UC3);
        Marshal.Copy(_buffer, 0, frame.Data, _buffer.Length);
        return true;
    }

    string LastError()
    {
        lock (_stderrTail) return _stderrTail.Count == 0 ? "" : ": " + string.Join(" | ", _stderrTail);
    }

    (int, int) Probe(CancellationToken ct)
    {
        var args = new List<string> { "-v", "error" };
        if (url.StartsWith("rtsp", StringComparison.OrdinalIgnoreCase)) args.AddRange(["-rtsp_transport", "tcp"]);
        args.AddRange(["-select_streams", "v:0", "-show_entries", "stream=width,height", "-of", "csv=p=0:s=x", url]);
        using var probe = Start("ffprobe", args);
        var output = probe.StandardOutput.ReadToEndAsync(ct);
        var error = probe.StandardError.ReadToEndAsync(ct);
        if (!probe.WaitForExit(readTimeout))
        {
            probe.Kill(entireProcessTree: true);
            throw new FrameSourceException($"ffprobe found no video in '{Description}' within {readTimeout.TotalSeconds:0.#} s.");
        }
        string[] size = output.GetAwaiter().GetResult().Trim().Split('\n')[0].Split('x');
        if (size.Length == 2 && int.TryParse(size[0], CultureInfo.InvariantCulture, out int w) &&
            int.TryParse(size[1], CultureInfo.InvariantCulture, out int h) && w > 0 && h > 0)
            return (w, h);
        throw new FrameSourceException($"ffprobe could not read a video size from '{Description}': {CredentialMask.Apply(error.GetAwaiter().GetResult().Trim())}");
    }

    static Process Start(string tool, IEnumerable<string> args)
    {
        var info = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in args) info.ArgumentList.Add(a);
        try
        {
            return Process.Start(info) ?? throw new FrameSourceException($"{tool} did not start.");
        }
        catch (Win32Exception e)
        {
            throw new FrameSourceException($"'{tool}' is needed for network cameras but could not be run ({e.Message}); install it (apt-get install ffmpeg).", permanent: true, e);
        }
    }

    public void Dispose()
    {
        if (_process == null) return;
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.WaitForExit(2000);
        }
        catch (InvalidOperationException) { } // already gone
        _process.Dispose();
        _process = null;
    }
}
