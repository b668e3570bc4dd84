using System.Threading.Channels;
using Microsoft.Extensions.Hosting.Systemd;

namespace ParNetDetect.Service.Tests.Support;

/// <summary>Stands in for systemd's notifier: keeps every state the service sends, in order.</summary>
public sealed class RecordingNotifier(bool isEnabled = true) : ISystemdNotifier
{
    readonly Channel<string> _states = Channel.CreateUnbounded<string>();

    public bool IsEnabled => isEnabled;

    public void Notify(ServiceState state) => _states.Writer.TryWrite(state.ToString());

    /// <summary>The next state sent, once it has been.</summary>
    public ValueTask<string> NextAsync(CancellationToken ct) => _states.Reader.ReadAsync(ct);
}
