using Microsoft.ML.OnnxRuntime;
using ParNetDetect.DetectionHead;
using ParNetDetect.Onnx;
using static TorchSharp.torch;
using TensorElementType = Microsoft.ML.OnnxRuntime.Tensors.TensorElementType;

namespace ParNetDetect.Inference.Backends;

/// <summary>
/// The ONNX Runtime backend: a graph exported by this project (Onnx/), read from a .onnx file or exported from a
/// checkpoint in memory at load. Input and output are tensors made once per input shape that ONNX Runtime reads and
/// writes in place, so a frame costs one copy in and nothing else.
/// </summary>
public sealed class OnnxRuntimeBackend : IDetectorBackend
{
    readonly InferenceSession _session;
    readonly RunOptions _run = new();
    readonly OnnxModelInfo _model;
    readonly Dictionary<(long N, long H, long W), IoBuffers> _buffers = [];

    OnnxRuntimeBackend(byte[] graph, OnnxModelInfo model, string source, OnnxRuntimeSettings settings)
    {
        _model = model;
        Source = source;
        Info = new CheckpointInfo
        {
            Model = model.Model,
            ClassNames = model.ClassNames,
            CategoryIds = model.CategoryIds,
            Activation = model.Activation,
            ImageSize = model.InputHeight,
            ScoreThreshold = model.ScoreThreshold,
            ClassScoreThresholds = model.ClassScoreThresholds,
        };
        using var options = settings.SessionOptions();
        _session = new InferenceSession(graph, options);
    }

    /// <summary>
    /// Opens a .onnx file this project exported (its metadata says everything else), or with
    /// <paramref name="classNames"/> a YOLO-format graph exported elsewhere (<see cref="ForeignGraph"/>).
    /// </summary>
    public static OnnxRuntimeBackend Load(string path, OnnxRuntimeSettings settings, IReadOnlyList<string>? classNames = null)
    {
        var model = OnnxModelInfo.Read(path, classNames);
        if (model.InputHeight != model.InputWidth)
            throw new InvalidDataException($"{path}: its input is {model.InputHeight}x{model.InputWidth}; the detector letterboxes to a square.");
        return new OnnxRuntimeBackend(File.ReadAllBytes(path), model, path, settings);
    }

    /// <summary>
    /// Exports a checkpoint's fused model in memory (any batch and size, letterboxed to the side it runs at) and runs
    /// that graph.
    /// </summary>
    public static OnnxRuntimeBackend FromCheckpoint(string path, OnnxRuntimeSettings settings)
    {
        using var torchBackend = TorchDetectorBackend.Load(path);
        var export = OnnxExporter.Export(torchBackend.Model, torchBackend.Info,
            new OnnxExportOptions { ImageSize = torchBackend.Info.InferenceImageSize, Dynamic = true });
        return FromExport(export, path, settings);
    }

    /// <summary>Runs a graph exported in this process; <paramref name="source"/> names it in messages.</summary>
    public static OnnxRuntimeBackend FromExport(OnnxExport export, string source, OnnxRuntimeSettings settings) =>
        new(export.ToBytes(), export.Info, source, settings);

    public CheckpointInfo Info { get; }
    public string Source { get; }
    public IReadOnlyList<int> Strides => _model.Strides;

    public void CheckInputSide(int side) => _model.CheckInputSize(side, side, Source);

    public Tensor Predict(Tensor images)
    {
        long n = images.shape[0], h = images.shape[2], w = images.shape[3];
        // A graph exported for a fixed batch runs a larger one in chunks of its size.
        long chunk = _model.BatchSize > 0 ? _model.BatchSize : n;
        if (n % chunk != 0)
            throw new ArgumentException($"{Source} takes batches of {chunk} (exported without --dynamic); got {n}.");
        _model.CheckInputSize((int)h, (int)w, Source);
        if (!_buffers.TryGetValue((n, h, w), out var io))
            _buffers[(n, h, w)] = io = new IoBuffers([n, 3, h, w], [n, Candidates(h, w), 5 + Info.ClassNames.Count], chunk);
        io.Input.copy_(images);
        for (int i = 0; i < io.InputValues.Length; i++)
            _session.Run(_run, [_model.InputTensor], [io.InputValues[i]], [_model.PredictionsTensor], [io.OutputValues[i]]);
        return io.Output.alias();
    }

    /// <summary>Predictions per image for an h x w input: the graph's own count, or anchors per level times the level's cells.</summary>
    long Candidates(long h, long w) => _model.PredictionCount ??
        _model.Strides.Select((s, level) => (long)_model.Anchors[level].Count * ((h + s - 1) / s) * ((w + s - 1) / s)).Sum();

    public void Dispose()
    {
        foreach (var io in _buffers.Values) io.Dispose();
        _run.Dispose();
        _session.Dispose();
    }

    /// <summary>
    /// One input shape's input and output tensors, and the ONNX Runtime values over their memory, one pair per chunk
    /// of <c>chunk</c> images.
    /// </summary>
    sealed class IoBuffers : IDisposable
    {
        public IoBuffers(long[] input, long[] output, long chunk)
        {
            // Made during some caller's Predict: kept out of its dispose scope, they live as long as the backend.
            Input = zeros(input, float32).DetachFromDisposeScope();
            Output = zeros(output, float32).DetachFromDisposeScope();
            long chunks = input[0] / chunk;
            InputValues = [.. Enumerable.Range(0, (int)chunks).Select(i => Over(Input, i, chunk))];
            OutputValues = [.. Enumerable.Range(0, (int)chunks).Select(i => Over(Output, i, chunk))];
        }

        public Tensor Input { get; }
        public Tensor Output { get; }
        public OrtValue[] InputValues { get; }
        public OrtValue[] OutputValues { get; }

        /// <summary>Images [index * chunk, (index + 1) * chunk) of a batch tensor. Its storage is native memory that never
        /// moves, so the pointer stays valid after `fixed`.</summary>
        static unsafe OrtValue Over(Tensor t, long index, long chunk)
        {
            long[] shape = [chunk, .. t.shape[1..]];
            long count = shape.Aggregate(1L, (a, d) => a * d);
            fixed (byte* data = t.bytes)
                return OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, TensorElementType.Float, shape,
                    (IntPtr)(data + index * count * sizeof(float)), count * sizeof(float));
        }

        public void Dispose()
        {
            foreach (var value in InputValues.Concat(OutputValues)) value.Dispose();
            Input.Dispose();
            Output.Dispose();
        }
    }
}
