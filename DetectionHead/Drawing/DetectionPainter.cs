using OpenCvSharp;

namespace ParNetDetect.DetectionHead.Drawing;

/// <summary>Draws detections on a BGR image: a box per detection in a colour per class, with "name score" above it.</summary>
public static class DetectionPainter
{
    // A fixed palette (BGR), distinct at a glance; classes beyond it wrap around.
    static readonly Scalar[] Palette =
    [
        new(56, 56, 255), new(151, 157, 255), new(31, 112, 255), new(29, 178, 255), new(49, 210, 207),
        new(10, 249, 72), new(23, 204, 146), new(134, 219, 61), new(211, 188, 0), new(209, 125, 0),
        new(255, 149, 0), new(255, 115, 100), new(236, 24, 0), new(255, 56, 132), new(133, 0, 82),
        new(255, 56, 203), new(200, 149, 255), new(199, 55, 255),
    ];

    public static Scalar ColorOf(int classIndex) => Palette[classIndex % Palette.Length];

    public static void Draw(Mat bgr, IEnumerable<Detection> detections, IReadOnlyList<string> classNames)
    {
        int thickness = Math.Max(1, (int)Math.Round((bgr.Rows + bgr.Cols) / 600.0));
        double fontScale = Math.Max(0.4, thickness / 3.0);
        foreach (var d in detections)
        {
            var color = ColorOf(d.ClassIndex);
            var p1 = new Point((int)d.X1, (int)d.Y1);
            var p2 = new Point((int)d.X2, (int)d.Y2);
            Cv2.Rectangle(bgr, p1, p2, color, thickness, LineTypes.AntiAlias);
            string name = d.ClassIndex < classNames.Count ? classNames[d.ClassIndex] : d.ClassIndex.ToString();
            string label = $"{name} {d.Score:F2}";
            var size = Cv2.GetTextSize(label, HersheyFonts.HersheySimplex, fontScale, Math.Max(thickness - 1, 1), out int baseline);
            bool above = p1.Y - size.Height - baseline >= 0;
            int top = above ? p1.Y - size.Height - baseline : p1.Y;
            Cv2.Rectangle(bgr, new Rect(p1.X, top, size.Width, size.Height + baseline), color, -1);
            Cv2.PutText(bgr, label, new Point(p1.X, top + size.Height), HersheyFonts.HersheySimplex, fontScale,
                Scalar.White, Math.Max(thickness - 1, 1), LineTypes.AntiAlias);
        }
    }
}
