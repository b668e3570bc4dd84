using System.Runtime.InteropServices;

namespace ParNetDetect.Platform;

/// <summary>How libtorch's OpenMP threads wait between parallel regions; chosen by the workload.</summary>
public enum OpenMpWait
{
    /// <summary>libgomp's default: spin briefly, then sleep. For a process that owns its cores (training,
    /// batch evaluation): training runs faster than with <see cref="Passive"/> on an idle machine, in PyTorch as in
    /// TorchSharp (figures in docs/benchmarks.md).</summary>
    Spin,

    /// <summary>OMP_WAIT_POLICY=PASSIVE: sleep at once. For a process that shares its cores (the service's capture
    /// and decoding threads, other processes): spinning threads make forwards many times slower under load
    /// (docs/benchmarks.md).</summary>
    Passive,
}

/// <summary>
/// Applies an <see cref="OpenMpWait"/> choice. libgomp reads OMP_WAIT_POLICY once, when libtorch loads, so it is set
/// natively (.NET's Environment.SetEnvironmentVariable does not reach the C environment) and only before the load
/// counts. A user's own OMP_WAIT_POLICY always wins.
/// </summary>
public static class OpenMpWaitPolicy
{
    public const string Variable = "OMP_WAIT_POLICY";

    public static void Apply(OpenMpWait wait)
    {
        if (wait != OpenMpWait.Passive || !OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable(Variable) != null)
            return;
        try
        {
            setenv(Variable, "PASSIVE", 0);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc: libtorch keeps its default policy.
        }
    }

    [DllImport("libc", EntryPoint = "setenv")]
    static extern int setenv([MarshalAs(UnmanagedType.LPUTF8Str)] string name,
                             [MarshalAs(UnmanagedType.LPUTF8Str)] string value, int overwrite);
}
