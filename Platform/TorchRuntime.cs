using TorchSharp;

namespace ParNetDetect.Platform;

/// <summary>
/// One entry point that every executable calls first: malloc tuning, then libtorch loaded and given the
/// machine's cores. Loading failures are turned into one message that names the real cause.
/// </summary>
public static class TorchRuntime
{
    static readonly object Gate = new();
    static bool _initialized;

    /// <summary>Applies <see cref="MallocTuning"/> and loads libtorch; idempotent.</summary>
    /// <param name="threads">Intra-op threads; 0 uses every core.</param>
    public static void Initialize(int threads = 0)
    {
        lock (Gate)
        {
            if (_initialized) return;
            MallocTuning.Apply();
            try
            {
                torch.InitializeDeviceType(DeviceType.CPU);
            }
            catch (Exception e) when (e is NotSupportedException or DllNotFoundException or TypeInitializationException)
            {
                throw new InvalidOperationException(
                    "libtorch could not be loaded. On Debian 12 the build marks TorchSharp's GLIBCXX_3.4.32 " +
                    "requirement weak (build/GlibcxxWeakening.targets); run `ldd` on libLibTorchSharp.so in the " +
                    "output folder to see which library is missing. Original error: " + e.Message, e);
            }
            torch.set_num_threads(threads > 0 ? threads : Environment.ProcessorCount);
            _initialized = true;
        }
    }

    /// <summary>Resolves "cpu", "cuda" or "cuda:N", failing clearly when CUDA is not in this build.</summary>
    public static torch.Device ResolveDevice(string name)
    {
        Initialize();
        var device = new torch.Device(name);
        if (device.type == DeviceType.CUDA && !torch.cuda.is_available())
            throw new ArgumentException(
                $"device '{name}': CUDA is not available in this build (libtorch-cpu). See docs/cuda.md to build with CUDA.");
        return device;
    }
}
