using Microsoft.ML.OnnxRuntime;

namespace ParNetDetect.Inference.Backends;

/// <summary>How ONNX Runtime sessions are made; the defaults are the measured best on CPU (docs/benchmarks.md).</summary>
public sealed record OnnxRuntimeSettings
{
    /// <summary>"cpu", or "cuda" / "cuda:N" for ONNX Runtime's CUDA provider (a GPU build, docs/cuda.md).</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>Threads of one inference; 0 uses every core.</summary>
    public int Threads { get; init; }

    /// <summary>Whether idle intra-op threads spin before sleeping (see <see cref="BackendOptions.ThreadsSpin"/>).</summary>
    public bool ThreadsSpin { get; init; } = true;

    public static OnnxRuntimeSettings Default { get; } = new();

    /// <summary>The session options; the caller disposes them once the session exists.</summary>
    public SessionOptions SessionOptions()
    {
        // ONNX Runtime's own log goes to stdout; a failure reaches the user as this backend's one-line error instead.
        OrtEnv.Instance().EnvLogLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL;
        var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = Threads > 0 ? Threads : Environment.ProcessorCount,
            InterOpNumThreads = 1,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        if (!ThreadsSpin) options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        if (Device.StartsWith("cuda", StringComparison.OrdinalIgnoreCase)) AddCuda(options);
        else if (!Device.Equals("cpu", StringComparison.OrdinalIgnoreCase))
        {
            options.Dispose();
            throw new ArgumentException($"device '{Device}': use cpu, cuda or cuda:N.");
        }
        return options;
    }

    void AddCuda(SessionOptions options)
    {
        int index = Device.Length > 5 && int.TryParse(Device[5..], out int i) ? i : 0;
        try
        {
            options.AppendExecutionProvider_CUDA(index);
        }
        catch (Exception e) when (e is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
        {
            options.Dispose();
            throw new ArgumentException($"device '{Device}': ONNX Runtime's CUDA provider is not available here " +
                $"({e.Message.Split('\n')[0].Trim()}). It needs the GPU build, an NVIDIA driver and the CUDA and cuDNN " +
                "libraries that build links (docs/cuda.md).", e);
        }
    }
}
