namespace ParNetDetect.Inference.Backends;

/// <summary>Which runtime executes the network (`--backend`, `Detector:Backend`).</summary>
public enum BackendKind
{
    /// <summary>ONNX Runtime for .onnx files, TorchSharp for checkpoints.</summary>
    Auto,

    /// <summary>TorchSharp (libtorch): checkpoints only.</summary>
    Torch,

    /// <summary>ONNX Runtime: .onnx files, or a checkpoint exported in memory at load.</summary>
    Onnx,
}

/// <summary>Where and how the network runs.</summary>
public sealed record BackendOptions
{
    public BackendKind Kind { get; init; } = BackendKind.Auto;

    /// <summary>"cpu", "cuda" or "cuda:N".</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>Threads of one inference; 0 uses every core.</summary>
    public int Threads { get; init; }

    /// <summary>
    /// Whether idle inference threads spin before they sleep: faster for a process that owns its cores, much slower
    /// when capture and decoding threads share them (the service turns it off, as it does OpenMP's).
    /// </summary>
    public bool ThreadsSpin { get; init; } = true;

    /// <summary>Class names for an ONNX graph without this project's metadata (`--classes`); null for ours.</summary>
    public IReadOnlyList<string>? ClassNames { get; init; }

    public static BackendOptions Default { get; } = new();
}

/// <summary>Opens the backend <see cref="BackendOptions"/> ask for.</summary>
public static class DetectorBackends
{
    /// <summary>True for a file name that names an ONNX graph.</summary>
    public static bool IsOnnxFile(string path) => path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Opens <paramref name="weights"/> (a resolved path). Errors are one line: an .onnx file for the TorchSharp
    /// backend, a missing file, a file that is not what its name says.
    /// </summary>
    public static IDetectorBackend Open(string weights, BackendOptions options)
    {
        bool onnxFile = IsOnnxFile(weights);
        if (options.ClassNames is not null && !onnxFile)
            throw new ArgumentException($"{weights} names its own classes; --classes is for ONNX graphs exported elsewhere.");
        var settings = new OnnxRuntimeSettings { Device = options.Device, Threads = options.Threads, ThreadsSpin = options.ThreadsSpin };
        return (options.Kind, onnxFile) switch
        {
            (BackendKind.Torch, true) => throw new ArgumentException(
                $"{weights}: the torch backend runs checkpoints; an .onnx file runs with --backend onnx (or auto)."),
            (BackendKind.Torch or BackendKind.Auto, false) => TorchDetectorBackend.Load(weights, options.Device),
            (_, true) => OnnxRuntimeBackend.Load(weights, settings, options.ClassNames),
            (BackendKind.Onnx, false) => OnnxRuntimeBackend.FromCheckpoint(weights, settings),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.Kind, null),
        };
    }
}
