using Microsoft.Extensions.Logging;
using ParNetDetect.Service.Configuration;

namespace ParNetDetect.Service.History;

/// <summary>
/// One camera's clips. Every processed frame (clean JPEG) goes into a ring of the last PreRollSeconds. When an object
/// is tracked and no clip is open, a clip opens with the ring's frames, takes every frame while objects are tracked
/// and closes PostRollSeconds after the last one is gone (or after that long without frames, e.g. a camera that
/// dropped out), so events that overlap share one clip and each event's clip covers its pre- and post-roll. A clip
/// longer than MaxClipSeconds closes and the next one opens at once. No clip opens while the disk is low, and an
/// open one closes. Called from the detection thread (<see cref="Add"/>), the history timer (<see cref="Tick"/>)
/// and the writer (<see cref="ClipAt"/>), under one short lock; encoding runs in <see cref="ClipEncoder"/>.
/// </summary>
public sealed class ClipRecorder(
    string camera, CameraHistoryOptions options, string folder, string ffmpeg, DiskGuard disk, Action<ClipResult> finished, ILogger logger)
{
    const int RecentClips = 64;
    readonly object _lock = new();
    readonly TimeSpan _preRoll = TimeSpan.FromSeconds(options.PreRollSeconds), _postRoll = TimeSpan.FromSeconds(options.PostRollSeconds),
        _maxLength = TimeSpan.FromSeconds(options.MaxClipSeconds);
    // At least 2 s, so the frame rate can be measured even without pre-roll.
    readonly FrameRing _ring = new(TimeSpan.FromSeconds(Math.Max(2, options.PreRollSeconds)), 64 * (int)Math.Ceiling(Math.Max(2, options.PreRollSeconds)));
    readonly LinkedList<ClipEncoder> _recent = new(); // newest last, open one included
    readonly List<Task> _encoding = new();
    ClipEncoder? _open;
    DateTimeOffset _lastActive, _lastFrame;
    bool _unavailable; // ffmpeg cannot be run: said once, no more clips this run
    long _written, _failed, _droppedFrames;

    public string Camera => camera;
    public long Written => Interlocked.Read(ref _written);
    public long Failed => Interlocked.Read(ref _failed);
    public long DroppedFrames { get { lock (_lock) return _droppedFrames + (_open?.DroppedFrames ?? 0); } }

    /// <summary>A processed frame; <paramref name="active"/> when the camera tracks an object in it.</summary>
    public void Add(EncodedFrame frame, bool active)
    {
        lock (_lock)
        {
            _ring.Add(frame);
            _lastFrame = frame.At;
            if (active) _lastActive = frame.At;
            if (_open != null)
            {
                _open.Add(frame);
                bool tooLong = frame.At - _open.Start >= _maxLength;
                if (tooLong || (!active && frame.At - _lastActive >= _postRoll) || disk.Low) Close(frame.At);
                if (!tooLong) return;
                if (active) Open(frame.At, [frame]); // the same scene goes on in the next clip
                return;
            }
            if (active) Open(frame.At, _ring.Since(frame.At - _preRoll));
        }
    }

    /// <summary>Closes the open clip when frames stopped coming (a camera that failed or ended) or the disk is low.</summary>
    public void Tick(DateTimeOffset now)
    {
        lock (_lock)
            if (_open != null && (now - _lastFrame >= _postRoll || disk.Low)) Close(_lastFrame);
    }

    /// <summary>The clip that holds the moment <paramref name="at"/>, open or written: its path and start.</summary>
    public (string RelativePath, DateTimeOffset Start)? ClipAt(DateTimeOffset at)
    {
        lock (_lock)
        {
            for (var n = _recent.Last; n != null; n = n.Previous)
                if (n.Value.Start <= at) return n.Value.End is { } end && end < at ? null : (n.Value.RelativePath, n.Value.Start);
            return null;
        }
    }

    void Open(DateTimeOffset now, IReadOnlyList<EncodedFrame> frames)
    {
        if (_unavailable || disk.Low || frames.Count == 0) return;
        double fps = Math.Clamp(Math.Round(_ring.Rate() ?? 5), 1, 30);
        var start = frames[0].At;
        string path = Path.Combine("clips", camera, $"{start.UtcDateTime:yyyyMMdd-HHmmss-fff}.mp4");
        _open = new ClipEncoder(ffmpeg, folder, camera, path, start, fps);
        foreach (var f in frames) _open.Add(f);
        _recent.AddLast(_open);
        while (_recent.Count > RecentClips) _recent.RemoveFirst();
        _encoding.RemoveAll(t => t.IsCompleted);
        _encoding.Add(Report(_open));
    }

    void Close(DateTimeOffset end)
    {
        _open!.Close(end);
        _droppedFrames += _open.DroppedFrames;
        _open = null;
    }

    async Task Report(ClipEncoder clip)
    {
        var result = await clip.Completion;
        finished(result);
        if (result.Written)
        {
            Interlocked.Increment(ref _written);
            return;
        }
        bool missing = result.FfmpegMissing, said;
        lock (_lock)
        {
            said = missing && _unavailable; // said once
            _unavailable |= missing;
        }
        if (!said)
            logger.LogError("Camera {CameraId}: clip {Clip} could not be written: {Error}{Consequence}", camera,
                Path.Combine(folder, result.RelativePath), result.Error, missing ? "; no more clips are recorded until restart" : "");
        Interlocked.Increment(ref _failed); // counted once reported
    }

    /// <summary>Closes the open clip and waits for every clip to be written (at shutdown).</summary>
    public Task StopAsync()
    {
        lock (_lock)
        {
            if (_open != null) Close(_lastFrame);
            return Task.WhenAll(_encoding);
        }
    }
}
