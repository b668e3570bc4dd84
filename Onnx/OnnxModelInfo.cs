using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Google.Protobuf;
using Onnx;

namespace ParNetDetect.Onnx;

/// <summary>NMS inside the graph (export option): its settings, as written to the metadata.</summary>
public sealed record OnnxNmsInfo(float IouThreshold, int MaxPerClass);

/// <summary>
/// What an exported .onnx file says about itself in ModelProto.metadata_props, so that it needs nothing else:
/// classes, input size, strides, anchors, score thresholds, the model and the project version. Keys and values are
/// documented in docs/onnx.md; lists are JSON. <see cref="Read"/> validates a file and returns them.
/// </summary>
public sealed record OnnxModelInfo
{
    /// <summary>The value of <see cref="FormatKey"/>; raised when a key changes meaning.</summary>
    public const int FormatVersion = 1;
    public const string FormatKey = "parnet_detect.format";
    public const string InputName = "images";
    public const string PredictionsName = "predictions";
    public const string DetectionsName = "detections";

    /// <summary>Registered detector name, e.g. "parnet-n-yolo".</summary>
    public required string Model { get; init; }
    public required IReadOnlyList<string> ClassNames { get; init; }
    /// <summary>The dataset's category id per class index.</summary>
    public required IReadOnlyList<int> CategoryIds { get; init; }
    /// <summary>Backbone nonlinearity, "SiLU" or "ReLU".</summary>
    public required string Activation { get; init; }
    /// <summary>Input height and width of a fixed-size graph; the size it was exported (and calibrated) at when dynamic.</summary>
    public required int InputHeight { get; init; }
    public required int InputWidth { get; init; }
    /// <summary>Batch size of a fixed-size graph; 0 when dynamic.</summary>
    public required int BatchSize { get; init; }
    /// <summary>Batch, height and width are symbolic: any batch, any H and W that are multiples of <see cref="SizeDivisor"/>.</summary>
    public required bool DynamicSize { get; init; }
    public required int SizeDivisor { get; init; }
    /// <summary>The network input side the model was trained at.</summary>
    public required int TrainedImageSize { get; init; }
    /// <summary>Strides of the levels, P3 first.</summary>
    public required IReadOnlyList<int> Strides { get; init; }
    /// <summary>Anchor (width, height) in input pixels per level, P3 first.</summary>
    public required IReadOnlyList<IReadOnlyList<float[]>> Anchors { get; init; }
    /// <summary>The model's own minimum score (objectness x class probability).</summary>
    public required float ScoreThreshold { get; init; }
    /// <summary>Per-class minimum scores (calibrated thresholds), or null to use <see cref="ScoreThreshold"/> for all.</summary>
    public IReadOnlyList<float>? ClassScoreThresholds { get; init; }
    /// <summary>"fp32" or "int8".</summary>
    public required string Precision { get; init; }
    /// <summary>How the int8 graph was quantized (method, calibration images); empty for fp32.</summary>
    public string Quantization { get; init; } = "";
    /// <summary>Set when the graph ends in NonMaxSuppression (second output "detections").</summary>
    public OnnxNmsInfo? Nms { get; init; }
    public required string ProjectVersion { get; init; }

    /// <summary>The graph's image input: <see cref="InputName"/> in this project's graphs.</summary>
    public string InputTensor { get; init; } = InputName;

    /// <summary>The graph's predictions output: <see cref="PredictionsName"/> in this project's graphs.</summary>
    public string PredictionsTensor { get; init; } = PredictionsName;

    /// <summary>Predictions per image where the graph fixes it (a foreign graph); null: from the strides and anchors.</summary>
    public int? PredictionCount { get; init; }

    /// <summary>This build's version: the informational version of the assembly (with the commit when built from git).</summary>
    public static string CurrentProjectVersion =>
        typeof(OnnxModelInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>The minimum score of a class: its calibrated threshold when the file has them, else the overall one.</summary>
    public float ScoreThresholdFor(int classIndex) => ClassScoreThresholds?[classIndex] ?? ScoreThreshold;

    /// <summary>
    /// Throws one clear line when the graph cannot take an h x w input: a fixed-size graph takes its own size only,
    /// a dynamic one multiples of <see cref="SizeDivisor"/>.
    /// </summary>
    public void CheckInputSize(int height, int width, string source)
    {
        if (DynamicSize)
        {
            if (height <= 0 || width <= 0 || height % SizeDivisor != 0 || width % SizeDivisor != 0)
                throw new ArgumentException(
                    $"{source} takes inputs whose height and width are multiples of {SizeDivisor}; {height}x{width} is not.");
        }
        else if (height != InputHeight || width != InputWidth)
            throw new ArgumentException(
                $"{source} takes {InputHeight}x{InputWidth} inputs only (exported without --dynamic); {height}x{width} was asked.");
    }

    // ---- metadata_props ----

    static readonly JsonSerializerOptions Json = new();

    static class Keys
    {
        public const string Model = "model", ClassNames = "class_names", CategoryIds = "category_ids",
            Activation = "activation", InputHeight = "input_height", InputWidth = "input_width", BatchSize = "batch_size",
            DynamicSize = "dynamic_size", SizeDivisor = "size_divisor", TrainedImageSize = "trained_image_size",
            Strides = "strides", Anchors = "anchors", ScoreThreshold = "score_threshold",
            ClassScoreThresholds = "class_score_thresholds", Precision = "precision", Quantization = "quantization",
            NmsIouThreshold = "nms_iou_threshold", NmsMaxPerClass = "nms_max_per_class", ProjectVersion = "project_version",
            Outputs = "outputs";

        public static readonly string[] Required =
        [
            Model, ClassNames, CategoryIds, Activation, InputHeight, InputWidth, BatchSize, DynamicSize, SizeDivisor,
            TrainedImageSize, Strides, Anchors, ScoreThreshold, Precision, ProjectVersion,
        ];
    }

    /// <summary>The metadata entries of this info.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> ToMetadata()
    {
        string I(int v) => v.ToString(CultureInfo.InvariantCulture);
        string F(float v) => v.ToString("R", CultureInfo.InvariantCulture);
        var entries = new List<KeyValuePair<string, string>>
        {
            new(FormatKey, I(FormatVersion)),
            new(Keys.Model, Model),
            new(Keys.ClassNames, JsonSerializer.Serialize(ClassNames, Json)),
            new(Keys.CategoryIds, JsonSerializer.Serialize(CategoryIds, Json)),
            new(Keys.Activation, Activation),
            new(Keys.InputHeight, I(InputHeight)),
            new(Keys.InputWidth, I(InputWidth)),
            new(Keys.BatchSize, I(BatchSize)),
            new(Keys.DynamicSize, DynamicSize ? "true" : "false"),
            new(Keys.SizeDivisor, I(SizeDivisor)),
            new(Keys.TrainedImageSize, I(TrainedImageSize)),
            new(Keys.Strides, JsonSerializer.Serialize(Strides, Json)),
            new(Keys.Anchors, JsonSerializer.Serialize(Anchors, Json)),
            new(Keys.ScoreThreshold, F(ScoreThreshold)),
            new(Keys.Precision, Precision),
            new(Keys.ProjectVersion, ProjectVersion),
            new(Keys.Outputs, Nms is null
                ? $"{PredictionsName}: (N, K, 5 + nc) cx, cy, w, h in input pixels, objectness, class probabilities"
                : $"{PredictionsName}: (N, K, 5 + nc) cx, cy, w, h in input pixels, objectness, class probabilities; "
                  + $"{DetectionsName}: (M, 7) image index, x1, y1, x2, y2 in input pixels, score, class index"),
        };
        if (ClassScoreThresholds is not null)
            entries.Add(new(Keys.ClassScoreThresholds, JsonSerializer.Serialize(ClassScoreThresholds, Json)));
        if (Quantization.Length > 0) entries.Add(new(Keys.Quantization, Quantization));
        if (Nms is not null)
        {
            entries.Add(new(Keys.NmsIouThreshold, F(Nms.IouThreshold)));
            entries.Add(new(Keys.NmsMaxPerClass, I(Nms.MaxPerClass)));
        }
        return entries;
    }

    /// <summary>
    /// Reads and validates an exported file: an <see cref="InvalidDataException"/> with one line when it is not an
    /// ONNX file, when the graph lacks this project's metadata (naming what is missing) or its "images" input.
    /// With <paramref name="classNames"/> (`--classes`), a graph without the metadata is read as a
    /// <see cref="ForeignGraph"/> instead; a graph with it names its own classes.
    /// </summary>
    public static OnnxModelInfo Read(string path, IReadOnlyList<string>? classNames = null)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path} does not exist.", path);
        ModelProto model;
        try
        {
            using var stream = File.OpenRead(path);
            model = ModelProto.Parser.ParseFrom(stream);
        }
        catch (InvalidProtocolBufferException)
        {
            throw new InvalidDataException($"{path} is not an ONNX file.");
        }
        // Protobuf parses many foreign files without error; a model has an IR version, an opset and a graph.
        if (model.IrVersion <= 0 || model.OpsetImport.Count == 0 || model.Graph is null)
            throw new InvalidDataException($"{path} is not an ONNX file.");
        bool ours = model.MetadataProps.Any(p => p.Key == FormatKey);
        if (classNames is null || classNames.Count == 0) return FromModel(model, path);
        return ours
            ? throw new ArgumentException($"{path} names its own classes (ParNet Detect metadata); --classes is for graphs without it.")
            : ForeignGraph.Describe(model, classNames, path);
    }

    /// <summary>The info of a parsed model; <paramref name="source"/> names it in errors.</summary>
    public static OnnxModelInfo FromModel(ModelProto model, string source)
    {
        var props = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in model.MetadataProps) props[p.Key] = p.Value;
        if (!props.ContainsKey(FormatKey))
            throw new InvalidDataException(
                $"{source} is an ONNX graph without ParNet Detect metadata (no '{FormatKey}' entry): it was not exported by this project; "
                + "--classes NAMES runs a YOLO-format graph (N, K, 5 + classes) without it.");
        var missing = Keys.Required.Where(k => !props.ContainsKey(k)).ToList();
        if (missing.Count > 0)
            throw new InvalidDataException($"{source}: its ParNet Detect metadata lacks {string.Join(", ", missing)}.");
        if (model.Graph.Input.All(i => i.Name != InputName))
            throw new InvalidDataException($"{source}: the graph has no input named '{InputName}'.");

        string key = "";
        try
        {
            T Get<T>(string k, Func<string, T> parse) { key = k; return parse(props[k]); }
            int Int(string k) => Get(k, v => int.Parse(v, CultureInfo.InvariantCulture));
            float Float(string k) => Get(k, v => float.Parse(v, CultureInfo.InvariantCulture));
            T JsonOf<T>(string k) => Get(k, v => JsonSerializer.Deserialize<T>(v, Json) ?? throw new FormatException("null"));
            var info = new OnnxModelInfo
            {
                Model = props[Keys.Model],
                ClassNames = JsonOf<string[]>(Keys.ClassNames),
                CategoryIds = JsonOf<int[]>(Keys.CategoryIds),
                Activation = props[Keys.Activation],
                InputHeight = Int(Keys.InputHeight),
                InputWidth = Int(Keys.InputWidth),
                BatchSize = Int(Keys.BatchSize),
                DynamicSize = Get(Keys.DynamicSize, bool.Parse),
                SizeDivisor = Int(Keys.SizeDivisor),
                TrainedImageSize = Int(Keys.TrainedImageSize),
                Strides = JsonOf<int[]>(Keys.Strides),
                Anchors = JsonOf<float[][][]>(Keys.Anchors),
                ScoreThreshold = Float(Keys.ScoreThreshold),
                ClassScoreThresholds = props.ContainsKey(Keys.ClassScoreThresholds) ? JsonOf<float[]>(Keys.ClassScoreThresholds) : null,
                Precision = props[Keys.Precision],
                Quantization = props.GetValueOrDefault(Keys.Quantization, ""),
                Nms = props.ContainsKey(Keys.NmsIouThreshold)
                    ? new OnnxNmsInfo(Float(Keys.NmsIouThreshold), Int(Keys.NmsMaxPerClass)) : null,
                ProjectVersion = props[Keys.ProjectVersion],
            };
            key = "";
            if (info.CategoryIds.Count != info.ClassNames.Count
                || info.ClassScoreThresholds is { } t && t.Count != info.ClassNames.Count)
                throw new FormatException($"{info.ClassNames.Count} class names, {info.CategoryIds.Count} category ids"
                    + (info.ClassScoreThresholds is { } c ? $", {c.Count} class thresholds" : ""));
            return info;
        }
        catch (Exception e) when (e is FormatException or JsonException or KeyNotFoundException or OverflowException)
        {
            throw new InvalidDataException(key.Length > 0
                ? $"{source}: metadata entry '{key}' is malformed ({e.Message})."
                : $"{source}: its ParNet Detect metadata is inconsistent ({e.Message}).", e);
        }
    }
}
