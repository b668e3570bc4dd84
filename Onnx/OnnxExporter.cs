using Google.Protobuf;
using Onnx;
using ParNetDetect.DetectionHead;
using ParNetDetect.Onnx.Graph;
using ParNetDetect.Onnx.Graph.Backbone;
using ParNetDetect.Onnx.Graph.Head;
using ParNetDetect.Onnx.Graph.Neck;
using ParNetDetect.Onnx.Quantization;
using static TorchSharp.torch;

namespace ParNetDetect.Onnx;

/// <summary>
/// Writes a fused <see cref="YoloDetector"/> as one ONNX graph (opset 17, IR 8): backbone, neck, head and the box
/// decoding of <see cref="YoloDetector.Predict"/>; input "images" (N, 3, H, W) float RGB in [0, 1], output
/// "predictions" (N, K, 5 + nc); optionally ONNX NonMaxSuppression and int8 QDQ quantization. Layout, metadata and
/// the int8 method: docs/onnx.md.
/// </summary>
public static class OnnxExporter
{
    public const long IrVersion = 8;
    public const long Opset = 17;
    public const string Producer = "ParNet Detect";

    /// <summary>
    /// Exports <paramref name="model"/> (fused, eval mode) described by <paramref name="checkpoint"/>.
    /// <paramref name="calibration"/>: preprocessed (letterboxed) images, (1, 3, S, S) float RGB in [0, 1] at
    /// <see cref="OnnxExportOptions.ImageSize"/>, read once; needed for int8, ignored otherwise.
    /// </summary>
    public static OnnxExport Export(YoloDetector model, CheckpointInfo checkpoint, OnnxExportOptions options,
        IEnumerable<float[]>? calibration = null)
    {
        Check(model, checkpoint, options);
        if (options.Int8 is not null && calibration is null) throw new ArgumentException(ActivationCalibrator.NoCalibrationImages);
        int size = options.ImageSize, outputs = model.Head.Outputs;
        var g = new GraphBuilder();
        Dim batch = options.Dynamic ? Dim.Named("batch") : options.BatchSize;
        Dim height = options.Dynamic ? Dim.Named("height") : size, width = options.Dynamic ? Dim.Named("width") : size;
        Spatial? known = options.Dynamic ? null : new Spatial(size, size);

        var images = g.Input(OnnxModelInfo.InputName, batch, 3, height, width);
        var (p3, p4, p5) = ParNetEmitter.Emit(g, model.Backbone, images, known, "backbone");
        var (n3, n4, n5) = CspPanEmitter.Emit(g, model.Neck, p3, p4, p5, "neck");
        var predictions = YoloHeadEmitter.Emit(g, model.Head, model.Anchors, [n3, n4, n5], known, OnnxModelInfo.PredictionsName, "head");
        Dim candidates = known is { } k
            ? model.Anchors.PerLevel * model.Anchors.Strides.Sum(s => k.Level(s).Height * k.Level(s).Width)
            : Dim.Named("candidates");
        g.Output(predictions, TensorProto.Types.DataType.Float, batch, candidates, outputs);
        if (options.Nms)
        {
            // One score threshold in the graph: the lowest class's, so a consumer can apply class_score_thresholds after.
            var (score, perClass) = Thresholds(checkpoint, options);
            float lowest = perClass is { Count: > 0 } t ? Math.Min(score, t.Min()) : score;
            var detections = NmsEmitter.Emit(g, predictions, lowest, options.NmsIouThreshold,
                options.NmsMaxPerClass, OnnxModelInfo.DetectionsName, "nms");
            g.Output(detections, TensorProto.Types.DataType.Float, Dim.Named("detections"), 7);
        }

        string quantization = "";
        if (options.Int8 is { } int8)
        {
            var nodes = QuantizedNodes.Select(g.Graph, g.ConvRoles, int8.QuantizeOutputConvs);
            var floatModel = Wrap(g.Graph, Info(model, checkpoint, options, ""));
            var (statistics, count) = ActivationCalibrator.Collect(floatModel, QdqQuantizer.Tensors(g.Graph, nodes),
                calibration!, size, size);
            QdqQuantizer.Apply(g.Graph, nodes, statistics.ToDictionary(s => s.Key, s => s.Value.Range(int8.Method, int8.Percentile)));
            quantization = int8.Describe(count);
        }
        var info = Info(model, checkpoint, options, quantization);
        return new OnnxExport(Wrap(g.Graph, info), info);
    }

    /// <summary><see cref="Export(YoloDetector, CheckpointInfo, OnnxExportOptions, IEnumerable{float[]})"/> with
    /// calibration images as (1, 3, S, S) tensors.</summary>
    public static OnnxExport Export(YoloDetector model, CheckpointInfo checkpoint, OnnxExportOptions options,
        IEnumerable<Tensor> calibration) =>
        Export(model, checkpoint, options, calibration.Select(t =>
        {
            if (t.dim() != 4 || t.shape[0] != 1 || t.shape[1] != 3)
                throw new ArgumentException($"a calibration image must be (1, 3, H, W); got ({string.Join(", ", t.shape)}).");
            return GraphBuilder.ToFloats(t);
        }));

    static void Check(YoloDetector model, CheckpointInfo checkpoint, OnnxExportOptions options)
    {
        if (!model.IsFused) throw new InvalidOperationException("export needs a fused model: call Fuse() first.");
        if (model.training) throw new InvalidOperationException("export needs a model in eval mode: call eval() first.");
        if (checkpoint.ClassNames.Count != model.NumClasses || checkpoint.CategoryIds.Count != model.NumClasses)
            throw new ArgumentException($"the model has {model.NumClasses} classes; the checkpoint info names "
                + $"{checkpoint.ClassNames.Count} with {checkpoint.CategoryIds.Count} category ids.");
        if (!string.Equals(checkpoint.Model, model.Variant.Name, StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException($"the model is a {model.Variant.Name}; the checkpoint info says {checkpoint.Model}.");
        options.Validate(model.NumClasses);
    }

    /// <summary>The score thresholds the graph carries: the options' where set, else the checkpoint's own.</summary>
    static (float Score, IReadOnlyList<float>? PerClass) Thresholds(CheckpointInfo checkpoint, OnnxExportOptions options) =>
        (options.ScoreThreshold ?? checkpoint.ScoreThreshold, options.ClassScoreThresholds ?? checkpoint.ClassScoreThresholds);

    static OnnxModelInfo Info(YoloDetector model, CheckpointInfo checkpoint, OnnxExportOptions options, string quantization)
    {
        var (score, perClass) = Thresholds(checkpoint, options);
        return new()
        {
            Model = model.Variant.Name,
            ClassNames = checkpoint.ClassNames,
            CategoryIds = checkpoint.CategoryIds,
            Activation = model.Backbone.Options.Activation.ToString(),
            InputHeight = options.ImageSize,
            InputWidth = options.ImageSize,
            BatchSize = options.Dynamic ? 0 : options.BatchSize,
            DynamicSize = options.Dynamic,
            SizeDivisor = model.SizeDivisor,
            TrainedImageSize = checkpoint.ImageSize,
            Strides = model.Anchors.Strides,
            Anchors = model.Anchors.Pixels.Select(l => (IReadOnlyList<float[]>)l.Select(a => new[] { a.W, a.H }).ToArray()).ToArray(),
            ScoreThreshold = score,
            ClassScoreThresholds = perClass,
            Precision = options.Int8 is null ? "fp32" : "int8",
            Quantization = quantization,
            Nms = options.Nms ? new OnnxNmsInfo(options.NmsIouThreshold, options.NmsMaxPerClass) : null,
            ProjectVersion = OnnxModelInfo.CurrentProjectVersion,
        };
    }

    static ModelProto Wrap(GraphProto graph, OnnxModelInfo info)
    {
        graph.Name = info.Model;
        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = Producer,
            ProducerVersion = info.ProjectVersion,
            DocString = $"{info.Model} detector ({info.Precision}); metadata keys in docs/onnx.md",
            Graph = graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        foreach (var (key, value) in info.ToMetadata()) model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        return model;
    }
}

/// <summary>An exported graph and its metadata.</summary>
public sealed record OnnxExport(ModelProto Model, OnnxModelInfo Info)
{
    public int NodeCount => Model.Graph.Node.Count;

    /// <summary>Values held in initializers (weights, biases, quantization parameters, constants).</summary>
    public long ParameterCount => Model.Graph.Initializer.Sum(t => t.Dims.Aggregate(1L, (a, d) => a * d));

    public byte[] ToBytes() => Model.ToByteArray();

    /// <summary>Writes the file atomically (a temporary file beside it is renamed over it); returns its size.</summary>
    public long Save(string path)
    {
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temp = full + ".tmp-" + Environment.ProcessId;
        try
        {
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
            {
                Model.WriteTo(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
            return new FileInfo(full).Length;
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }
}
