using ParNetDetect.DetectionHead;

namespace ParNetDetect.Service.Tracking;

/// <summary>A polygon in normalized frame coordinates ([0, 1] of width and height), so it survives resolution
/// changes; what zones and masks are drawn as.</summary>
public sealed class NormalizedPolygon
{
    readonly double[] _xs, _ys;

    public NormalizedPolygon(IReadOnlyList<double[]> points)
    {
        _xs = points.Select(p => p[0]).ToArray();
        _ys = points.Select(p => p[1]).ToArray();
    }

    public IReadOnlyList<(double X, double Y)> Points => _xs.Zip(_ys).ToList();

    /// <summary>Ray casting (even-odd rule) on normalized coordinates.</summary>
    public bool Contains(double x, double y)
    {
        bool inside = false;
        for (int i = 0, j = _xs.Length - 1; i < _xs.Length; j = i++)
        {
            if ((_ys[i] > y) != (_ys[j] > y) &&
                x < (_xs[j] - _xs[i]) * (y - _ys[i]) / (_ys[j] - _ys[i]) + _xs[i])
                inside = !inside;
        }
        return inside;
    }

    /// <summary>Whether the bottom centre of the box (where an object stands on the ground) is inside: how people
    /// draw zones and masks on floors and driveways.</summary>
    public bool ContainsFootOf(in Detection box, int frameWidth, int frameHeight) =>
        Contains((box.X1 + box.X2) * 0.5 / frameWidth, Math.Min(box.Y2 / (double)frameHeight, LowestInside));

    // A box cut off by the frame's bottom stands on its last row: inside a polygon drawn down to y = 1, which the
    // even-odd rule would leave out as the boundary.
    const double LowestInside = 1 - 1e-9;
}
