namespace CocoEval;

/// <summary>The checks every detection passes, whether it came from a file or from memory.</summary>
internal static class DetectionValidation
{
    /// <summary>What is wrong with <paramref name="d"/>'s box or score, or null.</summary>
    public static string? ValueProblem(in CocoDetection d)
    {
        if (d.Box.IsValid && double.IsFinite(d.Score) && d.Score >= 0)
            return null;
        if (!d.Box.IsValid)
            return $"has a non-finite or negative-size bbox {Json.CocoJsonLoader.Format(d.Box)}";
        return $"has score {d.Score}; scores must be finite and not negative";
    }

    /// <summary>pycocotools' loadRes refuses results on images the GT does not have.</summary>
    public static string UnknownImage(long imageId) =>
        $"has image_id {imageId}, which is not among the ground truth's images";

    /// <summary>Both checks.</summary>
    public static string? Problem(in CocoDetection d, CocoGroundTruth groundTruth) =>
        groundTruth.ContainsImage(d.ImageId) ? ValueProblem(d) : UnknownImage(d.ImageId);
}
