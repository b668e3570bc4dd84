namespace CocoEval;

/// <summary>The checks every detection passes, whether it came from a file or from memory.</summary>
internal static class DetectionValidation
{
    /// <summary>What is wrong with <paramref name="d"/>, or null.</summary>
    public static string? Problem(in CocoDetection d, CocoGroundTruth groundTruth)
    {
        // pycocotools' loadRes refuses results on images the GT does not have.
        if (!groundTruth.ContainsImage(d.ImageId))
            return $"has image_id {d.ImageId}, which is not among the ground truth's images";
        if (!d.Box.IsValid)
            return $"has a non-finite or negative-size bbox {Json.CocoJsonLoader.Format(d.Box)}";
        if (!double.IsFinite(d.Score) || d.Score < 0)
            return $"has score {d.Score}; scores must be finite and not negative";
        return null;
    }
}
