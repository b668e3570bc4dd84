namespace ParNetDetect.Service.Systemd;

/// <summary>
/// How often systemd expects a heartbeat: the unit's WatchdogSec=, passed as $WATCHDOG_USEC; null when the watchdog
/// is off, or meant for another process ($WATCHDOG_PID). .NET's systemd notifier sends what it is given but does
/// not read these.
/// </summary>
public sealed record SystemdWatchdog(TimeSpan? Interval)
{
    public static readonly SystemdWatchdog Off = new((TimeSpan?)null);

    public static SystemdWatchdog FromEnvironment()
    {
        if (!long.TryParse(Environment.GetEnvironmentVariable("WATCHDOG_USEC"), out long usec) || usec <= 0) return Off;
        string? pid = Environment.GetEnvironmentVariable("WATCHDOG_PID");
        if (!string.IsNullOrEmpty(pid) && pid != Environment.ProcessId.ToString()) return Off;
        return new(TimeSpan.FromMicroseconds(usec));
    }
}
