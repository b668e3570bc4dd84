using OpenCvSharp;

namespace ParNetDetect.Data;

/// <summary>
/// When a drawn shape is an object, for stills and video frames alike, so the detector learns the visibility it is
/// scored and demonstrated on: at least two thirds of its box lies inside the frame, its visible box is at least
/// 4 px a side, and a shape drawn over an earlier one covers at most a third of that one's visible box (every box
/// still shows its object). Placement and motion keep every shape of a scene within these rules.
/// </summary>
public static class SceneRules
{
    public const float MaxOcclusion = 1f / 3;
    public const float MinInside = 2f / 3;
    public const float MinSide = 4;

    /// <summary>The part of <paramref name="whole"/> inside a width x height frame, or null when too little of it is.</summary>
    public static BoxXywh? VisiblePart(BoxXywh whole, int width, int height) =>
        Clip(whole, width, height) is { } b && b.Width >= MinSide && b.Height >= MinSide && b.Area >= MinInside * whole.Area
            ? b : null;

    /// <summary>Whether <paramref name="above"/>, drawn later, hides too much of <paramref name="below"/>.</summary>
    public static bool Hides(BoxXywh above, BoxXywh below) => IntersectionArea(above, below) > MaxOcclusion * below.Area;

    public static BoxXywh Bounds(IEnumerable<Point2f> points)
    {
        float x1 = float.MaxValue, y1 = float.MaxValue, x2 = float.MinValue, y2 = float.MinValue;
        foreach (var p in points)
        {
            x1 = Math.Min(x1, p.X); y1 = Math.Min(y1, p.Y);
            x2 = Math.Max(x2, p.X); y2 = Math.Max(y2, p.Y);
        }
        return BoxXywh.FromCorners(x1, y1, x2, y2);
    }

    public static BoxXywh? Clip(BoxXywh box, int width, int height)
    {
        float x1 = Math.Max(0, box.X), y1 = Math.Max(0, box.Y), x2 = Math.Min(width, box.Right), y2 = Math.Min(height, box.Bottom);
        return x2 > x1 && y2 > y1 ? BoxXywh.FromCorners(x1, y1, x2, y2) : null;
    }

    static float IntersectionArea(BoxXywh a, BoxXywh b) =>
        Math.Max(0, Math.Min(a.Right, b.Right) - Math.Max(a.X, b.X)) * Math.Max(0, Math.Min(a.Bottom, b.Bottom) - Math.Max(a.Y, b.Y));
}
