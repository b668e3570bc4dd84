using OpenCvSharp;
using ParNetDetect.DetectionHead;
using ParNetDetect.Imaging;

namespace ParNetDetect.Inference.Drawing;

/// <summary>Draws detections on a BGR image with Imaging's <see cref="BoxPainter"/>: a box per detection, "name score" above it.</summary>
public static class DetectionDrawing
{
    public static void Draw(Mat bgr, IEnumerable<Detection> detections, IReadOnlyList<string> classNames)
    {
        foreach (var d in detections)
            BoxPainter.Draw(bgr, d.X1, d.Y1, d.X2, d.Y2, d.ClassIndex, $"{NameOf(d.ClassIndex, classNames)} {d.Score:F2}");
    }

    /// <summary>The class's name, or its index where the names end (a model with more classes than names).</summary>
    public static string NameOf(int classIndex, IReadOnlyList<string> classNames) =>
        classIndex >= 0 && classIndex < classNames.Count ? classNames[classIndex] : classIndex.ToString();
}
