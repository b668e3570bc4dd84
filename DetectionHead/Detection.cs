namespace ParNetDetect.DetectionHead;

/// <summary>One detected object: a corner box in pixels of the image it was found in, a score in [0, 1] and the
/// contiguous class index (0..nc-1; map to a dataset's category id through its category map).</summary>
public readonly record struct Detection(float X1, float Y1, float X2, float Y2, float Score, int ClassIndex)
{
    public float Width => X2 - X1;
    public float Height => Y2 - Y1;
}
