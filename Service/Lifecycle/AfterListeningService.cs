using Microsoft.Extensions.Hosting;

namespace ParNetDetect.Service.Lifecycle;

/// <summary>
/// A background service that starts only after every hosted service has started, the web server included (the
/// host starts it last, after ours). So HTTP is bound before any camera opens or sink writes: a taken port stops
/// the service with nothing started. systemd's READY=1 follows, once these have started too.
/// </summary>
public abstract class AfterListeningService : BackgroundService, IHostedLifecycleService
{
    public sealed override Task StartAsync(CancellationToken ct) => Task.CompletedTask;

    /// <summary>Starts the service (runs ExecuteAsync); overrides start their own parts first, then call this.</summary>
    public virtual Task StartedAsync(CancellationToken ct) => base.StartAsync(ct);

    public Task StartingAsync(CancellationToken ct) => Task.CompletedTask;
    public Task StoppingAsync(CancellationToken ct) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken ct) => Task.CompletedTask;
}
