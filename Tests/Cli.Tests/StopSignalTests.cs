using System.Runtime.InteropServices;
using ParNetDetect.DetectionHead;
using ParNetDetect.Training;

namespace ParNetDetect.Cli.Tests;

/// <summary>
/// `train` stopped by a signal leaves a resumable run and says how it ended, as shells do: 128 + the signal's
/// number, so 130 for Ctrl-C (SIGINT) and 143 for SIGTERM (systemd, docker stop, kill).
/// </summary>
public sealed class StopSignalTests : IDisposable
{
    const int SigInt = 2, SigTerm = 15;
    readonly SynthData _data = new();

    public void Dispose() => _data.Dispose();

    [DllImport("libc", SetLastError = true)]
    static extern int kill(int pid, int signal);

    [SkippableTheory]
    [InlineData(SigInt, 130)]
    [InlineData(SigTerm, 143)]
    public void AStoppedRunExits128PlusTheSignalAndCanBeResumed(int signal, int exitCode)
    {
        // A shell starts background jobs (`cmd &`, nohup) with SIGINT ignored; children inherit that and .NET keeps it.
        Skip.If(IgnoredByThisProcess(signal), $"signal {signal} is ignored by the test process (started in the background), so detect would inherit that");
        string run = _data.Path("run");
        // Far more epochs than the test waits for: only the signal can end it.
        using var train = DetectProcess.Start("train:", "train", "--data", _data.Data, "--out", run, "--epochs", "100000",
            "--img", "64", "--batch", "2", "--nominal-batch", "2", "--workers", "1", "--no-augment", "--val-every", "0");
        train.WaitForOutput(TimeSpan.FromMinutes(1));   // the run has started, its signal handlers are in place
        Assert.Equal(0, kill(train.Id, signal));
        var result = train.WaitForExit();

        Assert.True(result.Code == exitCode, result.ToString());
        Assert.Contains("resumable checkpoint", result.Out);
        string last = Path.Combine(run, TrainingRun.LastFile);
        var state = TrainingCheckpoint.GetState(Checkpoint.Load(last), last);
        Assert.True(state.Epoch < state.Options.Epochs);
        using var resumed = TrainingRun.Resume(run, TextWriter.Null, interactive: false);
    }

    /// <summary>Whether <paramref name="signal"/> is in this process's ignored set (the SigIgn mask of /proc/self/status).</summary>
    static bool IgnoredByThisProcess(int signal)
    {
        string? line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        return line is not null && (Convert.ToUInt64(line["SigIgn:".Length..].Trim(), 16) & (1UL << (signal - 1))) != 0;
    }
}
