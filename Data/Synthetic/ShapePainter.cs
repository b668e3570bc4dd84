using OpenCvSharp;

namespace ParNetDetect.Data;

/// <summary>Fills shape outlines anti-aliased, with sub-pixel vertices, so a box computed from the outline is tight.</summary>
public static class ShapePainter
{
    const int SubpixelBits = 4;

    /// <summary>Fills <paramref name="outline"/> (pixel-edge coordinates) with a colour, with a darker border when
    /// <paramref name="outlined"/>.</summary>
    public static void Fill(Mat image, Point2f[] outline, Scalar colour, bool outlined)
    {
        const float unit = 1 << SubpixelBits;
        // Pixel centres sit at integer coordinates in OpenCV; boxes use pixel edges, hence the half-pixel shift.
        var points = outline.Select(p => new Point((int)MathF.Round((p.X - 0.5f) * unit), (int)MathF.Round((p.Y - 0.5f) * unit))).ToArray();
        Cv2.FillPoly(image, [points], colour, LineTypes.AntiAlias, SubpixelBits);
        if (outlined)
            Cv2.Polylines(image, [points], true, new Scalar(colour.Val0 / 2, colour.Val1 / 2, colour.Val2 / 2), 2, LineTypes.AntiAlias, SubpixelBits);
    }
}
