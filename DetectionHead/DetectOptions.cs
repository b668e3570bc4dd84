namespace ParNetDetect.DetectionHead;

/// <summary>Post-processing settings: which candidates survive, and how non-maximum suppression groups them.</summary>
public sealed record DetectOptions
{
    /// <summary>Minimum score (objectness x class probability) a detection needs.</summary>
    public float ConfidenceThreshold { get; init; } = 0.25f;

    /// <summary>Minimum score per class index, in place of <see cref="ConfidenceThreshold"/> (a model's calibrated
    /// thresholds), or null.</summary>
    public IReadOnlyList<float>? ClassConfidenceThresholds { get; init; }

    /// <summary>The lowest minimum score of any class: what a candidate must beat to be considered at all.</summary>
    public float LowestConfidenceThreshold => ClassConfidenceThresholds is { Count: > 0 } t ? t.Min() : ConfidenceThreshold;

    /// <summary>Boxes of the same class overlapping a better one by more than this IoU are suppressed.</summary>
    public float IouThreshold { get; init; } = 0.45f;

    /// <summary>At most this many detections per image, best first.</summary>
    public int MaxDetections { get; init; } = 300;

    /// <summary>Every class whose score passes the threshold becomes a candidate, not only the best class of a
    /// box. Costs a little speed, gains recall; the COCO evaluation setting.</summary>
    public bool MultiLabel { get; init; }

    /// <summary>Suppress across classes too (one box per object whatever its class).</summary>
    public bool ClassAgnostic { get; init; }

    /// <summary>Candidates kept (best first) before NMS; bounds the cost of a nearly untrained model.</summary>
    public int MaxCandidates { get; init; } = 30000;

    /// <summary>Interactive use: conf 0.25, IoU 0.45, best class per box.</summary>
    public static DetectOptions Default { get; } = new();

    /// <summary>COCO evaluation (Scaled-YOLOv4): conf 0.001, IoU 0.65, 300 per image, multi-label.</summary>
    public static DetectOptions Evaluation { get; } = new()
    {
        ConfidenceThreshold = 0.001f, IouThreshold = 0.65f, MaxDetections = 300, MultiLabel = true,
    };

    /// <summary>Throws when a setting is out of range, naming it.</summary>
    public void Validate()
    {
        if (ConfidenceThreshold is < 0 or > 1 || float.IsNaN(ConfidenceThreshold))
            throw new ArgumentOutOfRangeException(nameof(ConfidenceThreshold), ConfidenceThreshold, "must be in [0, 1]");
        if (ClassConfidenceThresholds is { } t && t.Any(v => v is < 0 or > 1 || float.IsNaN(v)))
            throw new ArgumentOutOfRangeException(nameof(ClassConfidenceThresholds), "every value must be in [0, 1]");
        if (IouThreshold is < 0 or > 1 || float.IsNaN(IouThreshold))
            throw new ArgumentOutOfRangeException(nameof(IouThreshold), IouThreshold, "must be in [0, 1]");
        if (MaxDetections < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxDetections), MaxDetections, "must be at least 1");
        if (MaxCandidates < MaxDetections)
            throw new ArgumentOutOfRangeException(nameof(MaxCandidates), MaxCandidates, "must be at least MaxDetections");
    }
}
