using OpenCvSharp;

namespace ParNetDetect.Imaging;

/// <summary>
/// The one way boxes are drawn on a BGR image: a rectangle in the class's <see cref="ClassPalette"/> colour with its
/// label on a filled strip above it (inside the box where the image ends). Line width and text grow with the image.
/// </summary>
public static class BoxPainter
{
    /// <summary>Draws a corner box (pixels) and its label, e.g. "square 0.93" or "#4 square 0.93".</summary>
    public static void Draw(Mat bgr, float x1, float y1, float x2, float y2, int classIndex, string label)
    {
        int thickness = Math.Max(1, (int)Math.Round((bgr.Rows + bgr.Cols) / 600.0));
        int textThickness = Math.Max(thickness - 1, 1);
        double fontScale = Math.Max(0.4, thickness / 3.0);
        var colour = ClassPalette.Of(classIndex);
        var p1 = new Point((int)MathF.Round(x1), (int)MathF.Round(y1));
        var p2 = new Point((int)MathF.Round(x2), (int)MathF.Round(y2));
        Cv2.Rectangle(bgr, p1, p2, colour, thickness, LineTypes.AntiAlias);
        var size = Cv2.GetTextSize(label, HersheyFonts.HersheySimplex, fontScale, textThickness, out int baseline);
        bool above = p1.Y - size.Height - baseline >= 0;
        int top = above ? p1.Y - size.Height - baseline : p1.Y;
        Cv2.Rectangle(bgr, new Rect(p1.X, top, size.Width, size.Height + baseline), colour, -1);
        Cv2.PutText(bgr, label, new Point(p1.X, top + size.Height), HersheyFonts.HersheySimplex, fontScale,
            Scalar.White, textThickness, LineTypes.AntiAlias);
    }
}
