using System.Runtime.InteropServices;

namespace ParNetDetect.Cli.Commands;

/// <summary>
/// Ctrl-C and SIGTERM as a cancellation token for long verbs (train, predict on a camera): the first request asks
/// the work to stop at its next safe point; a second Ctrl-C ends the process at once.
/// </summary>
public sealed class StopSignals : IDisposable
{
    readonly CancellationTokenSource _cts = new();
    readonly PosixSignalRegistration? _sigterm;
    readonly string _what;

    public StopSignals(string what)
    {
        _what = what;
        Console.CancelKeyPress += OnCancelKeyPress;
        if (!OperatingSystem.IsWindows())
            _sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx => { ctx.Cancel = true; Request("SIGTERM"); });
    }

    public CancellationToken Token => _cts.Token;

    void OnCancelKeyPress(object? sender, ConsoleCancelEventArgs e)
    {
        if (_cts.IsCancellationRequested) return;   // second Ctrl-C: let the process end
        e.Cancel = true;
        Request("Ctrl-C");
    }

    void Request(string source)
    {
        if (_cts.IsCancellationRequested) return;
        Console.Error.WriteLine($"\n{source}: {_what} (Ctrl-C again to abort at once).");
        _cts.Cancel();
    }

    public void Dispose()
    {
        Console.CancelKeyPress -= OnCancelKeyPress;
        _sigterm?.Dispose();
        _cts.Dispose();
    }
}
