using ParNetDetect.DetectionHead;
using ParNetDetect.Service.Configuration;

namespace ParNetDetect.Service.Tracking;

/// <summary>A named polygon in normalized frame coordinates. An object is inside when the bottom centre of its
/// box (where it stands on the ground) is, which matches how people draw zones on floors and driveways.</summary>
public sealed class PolygonZone
{
    readonly double[] _xs, _ys;

    public PolygonZone(ZoneOptions options)
    {
        Name = options.Name;
        _xs = options.Points.Select(p => p[0]).ToArray();
        _ys = options.Points.Select(p => p[1]).ToArray();
    }

    public string Name { get; }
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

    public bool ContainsFootOf(in Detection box, int frameWidth, int frameHeight) =>
        Contains((box.X1 + box.X2) * 0.5 / frameWidth, box.Y2 / (double)frameHeight);
}
