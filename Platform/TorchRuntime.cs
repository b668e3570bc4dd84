using TorchSharp;

namespace ParNetDetect.Platform;

/// <summary>
/// One entry point for the process's native set-up: <see cref="ApplyProcessSettings"/> (malloc tuning, OpenMP
/// wait policy) first thing in every executable, then <see cref="Initialize"/> before the first tensor, which loads
/// libtorch, gives it the machine's cores and turns NNPACK off (<see cref="NnpackBackend"/>). Loading failures become one message that names the real cause.
/// </summary>
public static class TorchRuntime
{
    static readonly object Gate = new();
    static bool _initialized;

    /// <summary>Settings that must precede libtorch's load and the first large allocations; idempotent, cheap.</summary>
    /// <param name="wait">How OpenMP threads wait: <see cref="OpenMpWait.Passive"/> for a process sharing its cores.</param>
    public static void ApplyProcessSettings(OpenMpWait wait = OpenMpWait.Spin)
    {
        MallocTuning.Apply();
        OpenMpWaitPolicy.Apply(wait);
    }

    /// <summary>Applies the process settings and loads libtorch; idempotent (the first call's settings stay).</summary>
    /// <param name="threads">Intra-op threads; 0 uses every core.</param>
    /// <param name="wait">How OpenMP threads wait between parallel regions (see <see cref="OpenMpWait"/>).</param>
    public static void Initialize(int threads = 0, OpenMpWait wait = OpenMpWait.Spin)
    {
        lock (Gate)
        {
            if (_initialized) return;
            ApplyProcessSettings(wait);
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
            NnpackBackend.Disable();
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
