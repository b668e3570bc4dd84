using System.Runtime.InteropServices;

namespace ParNetDetect.Platform;

/// <summary>
/// Makes libtorch's OpenMP threads sleep instead of spinning between parallel regions (OMP_WAIT_POLICY=PASSIVE).
/// When the cores are shared (the loader's workers, a second camera, another process) spinning threads take the
/// cores the working ones need: the backbone benchmark measured 2-thread forwards 10-40x slower under load without
/// it, in PyTorch as in TorchSharp. libgomp reads the variable once, when libtorch loads, so it is set natively
/// (.NET's Environment.SetEnvironmentVariable does not reach the C environment). A user's own setting wins.
/// </summary>
public static class OpenMpWaitPolicy
{
    public const string Variable = "OMP_WAIT_POLICY";

    public static void Apply()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable(Variable) != null) return;
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
