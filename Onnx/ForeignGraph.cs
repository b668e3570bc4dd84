using Onnx;

namespace ParNetDetect.Onnx;

/// <summary>
/// A YOLO-format graph this project did not export (PyTorch's <c>torch.onnx.export</c> of a YOLOv4/v5-style detector,
/// as bench/onnx/torch_export.py writes one): one image input (N, 3, H, W) of letterboxed RGB in [0, 1] and one output
/// (N, K, 5 + nc) of cx, cy, w, h in input pixels, objectness and class probabilities, the layout of ours. It carries
/// no metadata, so the user names the classes (`--classes`) and the rest is read from the graph's shapes.
/// </summary>
public static class ForeignGraph
{
    /// <summary>The minimum score of a graph that does not carry its own (YOLOv5's and this project's default).</summary>
    public const float DefaultScoreThreshold = 0.25f;

    /// <summary>The strides assumed for a foreign graph: only the input side's divisor depends on them.</summary>
    static readonly int[] AssumedStrides = [8, 16, 32];

    /// <summary>
    /// Describes <paramref name="model"/> for <paramref name="classNames"/>; an <see cref="InvalidDataException"/>
    /// with one line when its input or output is not the YOLO layout or does not fit that many classes.
    /// </summary>
    public static OnnxModelInfo Describe(ModelProto model, IReadOnlyList<string> classNames, string source)
    {
        // Graphs of IR version 3 and older also list their weights as inputs.
        var weights = model.Graph.Initializer.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var inputs = model.Graph.Input.Where(i => !weights.Contains(i.Name)).ToList();
        if (inputs.Count != 1 || model.Graph.Output.Count == 0)
            throw new InvalidDataException(
                $"{source}: a graph without ParNet Detect metadata needs one image input and a predictions output; it has {inputs.Count} inputs and {model.Graph.Output.Count} outputs.");
        var input = inputs[0];
        var output = model.Graph.Output[0];
        long?[] inputShape = Shape(input), outputShape = Shape(output);
        if (inputShape.Length != 4 || inputShape[1] != 3)
            throw new InvalidDataException($"{source}: its input '{input.Name}' is {Format(inputShape)}, not (N, 3, H, W).");
        if (inputShape[2] is not { } height || inputShape[3] is not { } width)
            throw new InvalidDataException(
                $"{source}: its input '{input.Name}' is {Format(inputShape)}; a graph without ParNet Detect metadata needs a fixed height and width.");
        if (outputShape.Length != 3 || outputShape[1] is null)
            throw new InvalidDataException(
                $"{source}: its output '{output.Name}' is {Format(outputShape)}, not (N, K, 5 + classes) with a fixed K.");
        if (outputShape[2] != 5 + classNames.Count)
            throw new InvalidDataException(
                $"{source}: its output '{output.Name}' has {outputShape[2]?.ToString() ?? "a symbolic number of"} values per prediction; "
                + $"{classNames.Count} classes need {5 + classNames.Count} (cx, cy, w, h, objectness, one probability per class).");
        return new OnnxModelInfo
        {
            Model = $"foreign graph ({Path.GetFileName(source)})",
            ClassNames = classNames,
            CategoryIds = [.. Enumerable.Range(1, classNames.Count)],
            Activation = "unknown",
            InputHeight = (int)height,
            InputWidth = (int)width,
            BatchSize = (int)(inputShape[0] ?? 0),
            DynamicSize = false,
            SizeDivisor = AssumedStrides[^1],
            TrainedImageSize = (int)height,
            Strides = AssumedStrides,
            Anchors = [],
            PredictionCount = (int)outputShape[1]!.Value,
            ScoreThreshold = DefaultScoreThreshold,
            Precision = "unknown",
            ProjectVersion = "",
            InputTensor = input.Name,
            PredictionsTensor = output.Name,
        };
    }

    /// <summary>The dimensions of a value's tensor type: a size, or null where symbolic or unknown.</summary>
    static long?[] Shape(ValueInfoProto value) =>
        value.Type?.TensorType?.Shape is { } shape
            ? [.. shape.Dim.Select(d => d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue && d.DimValue > 0 ? d.DimValue : (long?)null)]
            : [];

    static string Format(long?[] shape) =>
        shape.Length == 0 ? "of unknown shape" : $"({string.Join(", ", shape.Select(d => d?.ToString() ?? "?"))})";
}
