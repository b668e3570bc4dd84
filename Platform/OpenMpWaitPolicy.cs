using System.Runtime.InteropServices;

namespace ParNetDetect.Platform;

/// <summary>How libtorch's OpenMP threads wait between parallel regions; chosen by the workload.</summary>
public enum OpenMpWait
{
    /// <summary>libgomp's default: spin briefly, then sleep. For a process that owns its cores (training,
    /// batch evaluation): 2-thread training of parnet-n-yolo at 320 px ran 1.28x faster than with
    /// <see cref="Passive"/> on an idle machine, in PyTorch as in TorchSharp (docs/benchmarks.md).</summary>
    Spin,

    /// <summary>OMP_WAIT_POLICY=PASSIVE: sleep at once. For a process that shares its cores (the service's capture
    /// and decoding threads, other processes): spinning threads made 2-thread forwards 10-40x slower under load.</summary>
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
