using System.Runtime.InteropServices;

namespace ParNetDetect.Platform;

/// <summary>
/// glibc malloc settings that keep libtorch's large, short-lived buffers in the heap. By default glibc returns
/// buffers above 128 KiB to the OS on free, so every forward pass page-faults its activations back in, which costs
/// much of its speed (figures in docs/benchmarks.md). Applied once at process start.
/// </summary>
public static class MallocTuning
{
    // mallopt parameter numbers from glibc's malloc.h.
    const int M_TRIM_THRESHOLD = -1;
    const int M_TOP_PAD = -2;
    const int M_MMAP_THRESHOLD = -3;
    const int M_MMAP_MAX = -4;

    /// <summary>Environment switch to compare with glibc's defaults: PARNET_MALLOC_TUNING=0 turns tuning off.</summary>
    public const string EnvironmentSwitch = "PARNET_MALLOC_TUNING";

    static int _applied;

    /// <summary>True when the settings were applied in this process.</summary>
    public static bool IsApplied => Volatile.Read(ref _applied) == 1;

    /// <summary>
    /// Applies the settings unless disabled by <see cref="EnvironmentSwitch"/> or not on glibc Linux.
    /// Safe to call more than once. Returns whether they are in force.
    /// </summary>
    public static bool Apply()
    {
        if (IsApplied) return true;
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable(EnvironmentSwitch) == "0") return false;
        try
        {
            // Largest threshold glibc accepts; buffers above it would still be mmapped, so mmap is disabled too
            // (fused ParNet-M/L weights exceed 32 MiB). Trim and top pad keep freed memory for reuse.
            bool ok = mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024) == 1
                      & mallopt(M_MMAP_MAX, 0) == 1
                      & mallopt(M_TRIM_THRESHOLD, int.MaxValue) == 1
                      & mallopt(M_TOP_PAD, 128 * 1024 * 1024) == 1;
            if (ok) Volatile.Write(ref _applied, 1);
            return ok;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false; // musl or another libc: nothing to tune.
        }
    }

    [DllImport("libc", EntryPoint = "mallopt")]
    static extern int mallopt(int param, int value);
}
