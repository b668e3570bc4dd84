using ParNetDetect.Imaging.Video;

namespace ParNetDetect.Service.Cameras;

public enum CameraState
{
    Starting,
    Connected,
    Reconnecting,
    /// <summary>Gave up: a permanent error or MaxAttempts reached. The other cameras carry on.</summary>
    Failed,
    /// <summary>A non-looping file reached its end.</summary>
    Ended,
    Stopped,
}

/// <summary>A camera's connection state, written by its worker and read by the API, readiness and watchdog.</summary>
public sealed class CameraHealth
{
    readonly object _lock = new();
    CameraState _state = CameraState.Starting;
    string? _lastError;
    DateTimeOffset? _lastFrameAt, _stateSince = DateTimeOffset.UtcNow;
    int _width, _height;
    long _reconnects;

    public CameraHealthSnapshot Snapshot()
    {
        lock (_lock) return new(_state, _stateSince!.Value, _lastFrameAt, _lastError, _reconnects, _width, _height);
    }

    public CameraState State { get { lock (_lock) return _state; } }

    /// <summary>Sets the state and, if given, the last error, credentials masked (it is shown by the API and page).</summary>
    public void SetState(CameraState state, string? error = null)
    {
        lock (_lock)
        {
            if (state != _state) _stateSince = DateTimeOffset.UtcNow;
            if (state == CameraState.Reconnecting && _state != CameraState.Reconnecting) _reconnects++;
            _state = state;
            if (error != null) _lastError = CredentialMask.Apply(error);
        }
    }

    public void FrameArrived(DateTimeOffset at, int width, int height)
    {
        lock (_lock)
        {
            _lastFrameAt = at;
            (_width, _height) = (width, height);
            if (_state != CameraState.Connected) { _state = CameraState.Connected; _stateSince = at; }
        }
    }
}

public sealed record CameraHealthSnapshot(
    CameraState State, DateTimeOffset StateSince, DateTimeOffset? LastFrameAt, string? LastError, long Reconnects,
    int Width, int Height);
