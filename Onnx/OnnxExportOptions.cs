using ParNetDetect.DetectionHead;
using ParNetDetect.Onnx.Quantization;

namespace ParNetDetect.Onnx;

/// <summary>How <see cref="OnnxExporter"/> writes the graph.</summary>
public sealed record OnnxExportOptions
{
    /// <summary>Input side of a fixed-size graph; for a dynamic one, the size recorded as its default (and calibrated at).</summary>
    public int ImageSize { get; init; } = 320;

    /// <summary>Batch size of a fixed-size graph.</summary>
    public int BatchSize { get; init; } = 1;

    /// <summary>Symbolic batch, height and width (H and W multiples of 32); grids are then computed in the graph.</summary>
    public bool Dynamic { get; init; }

    /// <summary>Append ONNX NonMaxSuppression: a second output "detections" (see docs/onnx.md). Off: NMS stays in C#.</summary>
    public bool Nms { get; init; }

    public float NmsIouThreshold { get; init; } = DetectOptions.Default.IouThreshold;

    public int NmsMaxPerClass { get; init; } = DetectOptions.Default.MaxDetections;

    /// <summary>The model's own minimum score for the metadata (and the in-graph NMS), or null: the checkpoint's
    /// (<see cref="CheckpointInfo.ScoreThreshold"/>, calibrated by `detect val --calibrate`).</summary>
    public float? ScoreThreshold { get; init; }

    /// <summary>Per-class minimum scores for the metadata, or null: the checkpoint's calibrated ones, if any.</summary>
    public IReadOnlyList<float>? ClassScoreThresholds { get; init; }

    /// <summary>Static int8 quantization (needs calibration images), or null for float32.</summary>
    public Int8Options? Int8 { get; init; }

    /// <summary>Throws naming the first setting out of range.</summary>
    public void Validate(int numClasses)
    {
        if (ImageSize <= 0 || ImageSize % 32 != 0)
            throw new ArgumentOutOfRangeException(nameof(ImageSize), ImageSize, "must be a positive multiple of 32");
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "must be at least 1");
        if (ScoreThreshold is < 0 or > 1 || ScoreThreshold is { } score && float.IsNaN(score))
            throw new ArgumentOutOfRangeException(nameof(ScoreThreshold), ScoreThreshold, "must be in [0, 1]");
        if (NmsIouThreshold is < 0 or > 1 || float.IsNaN(NmsIouThreshold))
            throw new ArgumentOutOfRangeException(nameof(NmsIouThreshold), NmsIouThreshold, "must be in [0, 1]");
        if (NmsMaxPerClass < 1) throw new ArgumentOutOfRangeException(nameof(NmsMaxPerClass), NmsMaxPerClass, "must be at least 1");
        if (ClassScoreThresholds is { } t && (t.Count != numClasses || t.Any(v => v is < 0 or > 1 || float.IsNaN(v))))
            throw new ArgumentOutOfRangeException(nameof(ClassScoreThresholds), $"needs {numClasses} values in [0, 1]");
        Int8?.Validate();
    }
}
