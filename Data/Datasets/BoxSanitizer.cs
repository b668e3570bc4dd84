namespace ParNetDetect.Data;

/// <summary>
/// One rule for ground-truth boxes from any format: clip to the image, count the repair, and drop what is left
/// without area (a box entirely outside the image, or of zero or negative size).
/// </summary>
internal static class BoxSanitizer
{
    /// <summary>Smallest side (pixels) a kept box may have.</summary>
    const float MinSide = 1e-3f;

    public static BoxXywh? Clip(BoxXywh box, int width, int height, string where, DatasetIssues issues)
    {
        if (!float.IsFinite(box.X) || !float.IsFinite(box.Y) || !float.IsFinite(box.Width) || !float.IsFinite(box.Height))
        {
            issues.Add(DatasetIssues.BoxDropped, where);
            return null;
        }
        float x1 = Math.Clamp(box.X, 0, width), y1 = Math.Clamp(box.Y, 0, height);
        float x2 = Math.Clamp(box.Right, 0, width), y2 = Math.Clamp(box.Bottom, 0, height);
        if (x2 - x1 < MinSide || y2 - y1 < MinSide)
        {
            issues.Add(DatasetIssues.BoxDropped, where);
            return null;
        }
        // Float noise of a converter (a box ending at 640.0001) is not worth a warning.
        const float tolerance = 0.5f;
        if (box.X < -tolerance || box.Y < -tolerance || box.Right > width + tolerance || box.Bottom > height + tolerance)
            issues.Add(DatasetIssues.BoxClipped, where);
        return BoxXywh.FromCorners(x1, y1, x2, y2);
    }
}
