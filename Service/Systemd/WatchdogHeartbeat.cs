using System.Net.Sockets;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;
using ParNetDetect.Service.Configuration;
using ParNetDetect.Service.Lifecycle;
using ParNetDetect.Service.Pipeline;

namespace ParNetDetect.Service.Systemd;

/// <summary>
/// Sends WATCHDOG=1 at half of systemd's WatchdogSec, but only while frames are being captured and handled by the
/// detection loop. A wedged detector or every camera gone for StallSeconds stops the heartbeat, and systemd restarts
/// the service (Restart=on-failure). It also keeps STATUS= up to date for `systemctl status`. Both go through .NET's
/// systemd notifier (which also sends READY=1 and STOPPING=1), as one datagram.
/// </summary>
public sealed class WatchdogHeartbeat(
    ISystemdNotifier notifier, SystemdWatchdog watchdog, PipelineActivity activity, CameraRegistry cameras,
    ServiceOptions options, ILogger<WatchdogHeartbeat> logger) : AfterListeningService
{
    public long HeartbeatsSent { get; private set; }
    bool _wasFlowing; // false at start: no "stalled" warning before the first frame ever arrived

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!notifier.IsEnabled) return;
        var period = watchdog.Interval;
        var tick = period is { } p ? p / 2 : TimeSpan.FromSeconds(5); // without a watchdog: STATUS= only
        var stall = TimeSpan.FromSeconds(options.Watchdog.StallSeconds);
        using var timer = new PeriodicTimer(tick);
        try
        {
            do Beat(period, stall);
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) { }
    }

    void Beat(TimeSpan? period, TimeSpan stall)
    {
        // A shard can own no camera (more instances than cameras): it idles healthy rather than being restarted.
        bool flowing = cameras.All.Count == 0 || activity.IsFlowing(stall);
        var states = cameras.All.GroupBy(c => c.Health.State).Select(g => $"{g.Count()} {g.Key.ToString().ToLowerInvariant()}");
        string status = $"STATUS={cameras.All.Count} cameras: {string.Join(", ", states)}";
        if (period != null && flowing)
        {
            Send("WATCHDOG=1\n" + status);
            HeartbeatsSent++;
        }
        else Send(status);
        if (_wasFlowing && !flowing && period != null)
            logger.LogWarning("No frames captured or detected for {Seconds} s: withholding the systemd watchdog heartbeat", stall.TotalSeconds);
        _wasFlowing = flowing;
    }

    /// <summary>A send that fails (systemd gone, its socket removed) is not the service's failure: the next beat tries
    /// again, and a missed heartbeat is what the watchdog is for.</summary>
    void Send(string state)
    {
        try
        {
            notifier.Notify(new ServiceState(state));
        }
        catch (SocketException) { }
    }
}
