using OpenCvSharp;

namespace ParNetDetect.Service.Detection;

/// <summary>
/// What the service needs from a detector: BGR frame in, boxes with class indices out. The service calls it from
/// its one detection thread only, so implementations need not be thread-safe.
/// </summary>
public interface IObjectDetector : IDisposable
{
    IReadOnlyList<string> ClassNames { get; }

    /// <summary>Detections with score at least <paramref name="minScore"/>, boxes in pixels of <paramref name="bgr"/>.</summary>
    IReadOnlyList<ObjectDetection> Detect(Mat bgr, float minScore);
}

/// <summary>One box in frame pixels (x1, y1) top-left to (x2, y2) bottom-right.</summary>
public readonly record struct ObjectDetection(float X1, float Y1, float X2, float Y2, float Score, int ClassIndex)
{
    public float Width => X2 - X1;
    public float Height => Y2 - Y1;

    public float IoU(in ObjectDetection other) => BoxMath.IoU(X1, Y1, X2, Y2, other.X1, other.Y1, other.X2, other.Y2);
}

public static class BoxMath
{
    public static float IoU(float ax1, float ay1, float ax2, float ay2, float bx1, float by1, float bx2, float by2)
    {
        float iw = Math.Min(ax2, bx2) - Math.Max(ax1, bx1), ih = Math.Min(ay2, by2) - Math.Max(ay1, by1);
        if (iw <= 0 || ih <= 0) return 0;
        float inter = iw * ih, union = (ax2 - ax1) * (ay2 - ay1) + (bx2 - bx1) * (by2 - by1) - inter;
        return union > 0 ? inter / union : 0;
    }
}
