using System.Runtime.InteropServices;

namespace ParNetDetect.Cli.Commands;

/// <summary>
/// Ctrl-C and SIGTERM as a cancellation token for long verbs (train, predict on a camera): the first request asks
/// the work to stop at its next safe point; a second Ctrl-C ends the process at once.
/// </summary>
public sealed class StopSignals : IDisposable
{
    // What a shell reports for a process ended by the signal (128 + its number): scripts and systemd tell them apart.
    const int SigIntExitCode = 130, SigTermExitCode = 143;

    readonly CancellationTokenSource _cts = new();
    readonly PosixSignalRegistration? _sigterm;
    readonly string _what;

    public StopSignals(string what)
    {
        _what = what;
        Console.CancelKeyPress += OnCancelKeyPress;
        if (!OperatingSystem.IsWindows())
            _sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx => { ctx.Cancel = true; Request("SIGTERM", SigTermExitCode); });
    }

    public CancellationToken Token => _cts.Token;

    /// <summary>The exit code for work stopped by the request: 130 after Ctrl-C (SIGINT), 143 after SIGTERM.</summary>
    public int ExitCode { get; private set; }

    void OnCancelKeyPress(object? sender, ConsoleCancelEventArgs e)
    {
        if (_cts.IsCancellationRequested) return;   // second Ctrl-C: let the process end
        e.Cancel = true;
        Request("Ctrl-C", SigIntExitCode);
    }

    void Request(string source, int exitCode)
    {
        if (_cts.IsCancellationRequested) return;
        ExitCode = exitCode;
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
