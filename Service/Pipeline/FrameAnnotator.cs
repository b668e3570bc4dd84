using OpenCvSharp;
using ParNetDetect.Imaging;
using ParNetDetect.Service.Events;
using ParNetDetect.Service.Tracking;

namespace ParNetDetect.Service.Pipeline;

/// <summary>Draws zones, object masks (outlined, so one can see where nothing is detected) and labelled boxes
/// (Imaging's <see cref="BoxPainter"/>, "#id" on tracked objects) onto a reused copy of the frame and encodes it as
/// JPEG.</summary>
public sealed class FrameAnnotator(IReadOnlyList<PolygonZone> zones, ObjectMask mask, int jpegQuality) : IDisposable
{
    readonly Mat _canvas = new();
    readonly int[] _jpegParams = [(int)ImwriteFlags.JpegQuality, jpegQuality];
    static readonly Scalar ZoneColour = new(0, 200, 255), MaskColour = new(128, 128, 128);

    public byte[] Encode(Mat bgr, FrameReport report)
    {
        bgr.CopyTo(_canvas);
        int w = _canvas.Width, h = _canvas.Height;
        double scale = Math.Max(0.4, h / 720.0);
        int thick = Math.Max(1, (int)Math.Round(2 * scale));
        foreach (var polygon in mask.Polygons)
            Cv2.Polylines(_canvas, [InPixels(polygon.Points, w, h)], isClosed: true, MaskColour, thick);
        foreach (var zone in zones)
        {
            var pts = InPixels(zone.Points, w, h);
            Cv2.Polylines(_canvas, [pts], isClosed: true, ZoneColour, thick);
            var labelAt = new Point(pts[0].X + 4, Math.Max(pts[0].Y - 4, (int)(18 * scale))); // stay inside the frame
            Cv2.PutText(_canvas, zone.Name, labelAt, HersheyFonts.HersheySimplex, 0.6 * scale, ZoneColour, thick);
        }
        foreach (var o in report.Objects)
            BoxPainter.Draw(_canvas, o.Box.X1, o.Box.Y1, o.Box.X2, o.Box.Y2, o.ClassIndex,
                o.ObjectId > 0 ? $"#{o.ObjectId} {o.Label} {o.Score:0.00}" : $"{o.Label} {o.Score:0.00}");
        Cv2.ImEncode(".jpg", _canvas, out byte[] jpeg, _jpegParams);
        return jpeg;
    }

    static Point[] InPixels(IReadOnlyList<(double X, double Y)> points, int w, int h) =>
        points.Select(p => new Point(p.X * w, p.Y * h)).ToArray();

    public void Dispose() => _canvas.Dispose();
}
