namespace ParNetDetect.Data;

/// <summary>An axis-aligned box in pixels: top-left corner and size (COCO's bbox convention).</summary>
public readonly record struct BoxXywh(float X, float Y, float Width, float Height)
{
    public float Right => X + Width;
    public float Bottom => Y + Height;
    public float Area => Width * Height;

    public static BoxXywh FromCorners(float x1, float y1, float x2, float y2) => new(x1, y1, x2 - x1, y2 - y1);
}

/// <summary>
/// One ground-truth object. <see cref="ClassIndex"/> is contiguous (0..classes-1); the dataset's own category id
/// is recovered through <see cref="CategoryMap"/>. Crowd regions stay in the dataset for evaluation (they are
/// "ignore" regions there) but are never training targets.
/// </summary>
public readonly record struct Annotation(long Id, int ClassIndex, BoxXywh Box, bool IsCrowd, double Area);
