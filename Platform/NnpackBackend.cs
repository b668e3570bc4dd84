using System.Runtime.InteropServices;

namespace ParNetDetect.Platform;

/// <summary>
/// Turns off libtorch's NNPACK convolution backend, as <c>torch.backends.nnpack.set_flags(False)</c> does. libtorch
/// 2.10 asks whether NNPACK is available for every convolution that oneDNN's heuristic declines (batch 1 on a small
/// map), and where NNPACK cannot start (CPUs its cpuinfo rejects, some AVX-512 EPYCs among them) it retries and logs
/// "Could not initialize NNPACK!" on every such call: thousands of lines a minute in the service. Nothing we run
/// loses a kernel: libtorch gives NNPACK only batches of 16 or more, and those go to oneDNN first. TorchSharp does not
/// expose the flag, so at::Context's setter is called through its C++ symbol (a plain member function: the context
/// is its first argument).
/// </summary>
static partial class NnpackBackend
{
    /// <summary>Disables NNPACK once libtorch is loaded; false when this libtorch lacks the symbols (nothing changes).</summary>
    public static bool Disable()
    {
        try
        {
            SetUserEnabledNnpack(GlobalContext(), false);
            return !UserEnabledNnpack(GlobalContext());
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [LibraryImport("libtorch_cpu.so", EntryPoint = "_ZN2at13globalContextEv")]
    private static partial IntPtr GlobalContext();

    [LibraryImport("libtorch_cpu.so", EntryPoint = "_ZN2at7Context20setUserEnabledNNPACKEb")]
    private static partial void SetUserEnabledNnpack(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);

    [LibraryImport("libtorch_cpu.so", EntryPoint = "_ZNK2at7Context17userEnabledNNPACKEv")]
    [return: MarshalAs(UnmanagedType.U1)]
    private static partial bool UserEnabledNnpack(IntPtr context);
}
