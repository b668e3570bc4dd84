using System.Net.Sockets;
using System.Text;

namespace ParNetDetect.Service.Systemd;

/// <summary>
/// The sd_notify protocol: one datagram of "KEY=value" lines to the Unix socket in $NOTIFY_SOCKET (a leading '@'
/// means Linux's abstract namespace). .NET's systemd support sends READY=1 and STOPPING=1 but no WATCHDOG=1;
/// this sends the rest. Without $NOTIFY_SOCKET (not under systemd) every call is a no-op.
/// </summary>
public sealed class SdNotify(string? socketPath, TimeSpan? watchdogInterval) : IDisposable
{
    Socket? _socket;

    public static SdNotify FromEnvironment() =>
        new(Environment.GetEnvironmentVariable("NOTIFY_SOCKET"), WatchdogIntervalFromEnvironment());

    public bool Enabled => !string.IsNullOrEmpty(socketPath);

    /// <summary>The watchdog period systemd expects (WatchdogSec=); null when the watchdog is off.</summary>
    public TimeSpan? WatchdogInterval => watchdogInterval;

    static TimeSpan? WatchdogIntervalFromEnvironment()
    {
        if (!long.TryParse(Environment.GetEnvironmentVariable("WATCHDOG_USEC"), out long usec) || usec <= 0) return null;
        string? pid = Environment.GetEnvironmentVariable("WATCHDOG_PID");
        if (!string.IsNullOrEmpty(pid) && pid != Environment.ProcessId.ToString()) return null;
        return TimeSpan.FromMicroseconds(usec);
    }

    /// <summary>Sends the state lines; returns false (never throws) when there is no socket or the send fails.</summary>
    public bool Send(string state)
    {
        if (!Enabled) return false;
        try
        {
            _socket ??= new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            string path = socketPath![0] == '@' ? "\0" + socketPath[1..] : socketPath;
            _socket.SendTo(Encoding.UTF8.GetBytes(state), new UnixDomainSocketEndPoint(path));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public void Dispose() => _socket?.Dispose();
}
