using ParNetDetect.DetectionHead;
using ParNetDetect.Service.Configuration;

namespace ParNetDetect.Service.Tracking;

/// <summary>A named polygon in normalized frame coordinates. An object is inside when the bottom centre of its
/// box (where it stands on the ground) is, which matches how people draw zones on floors and driveways.</summary>
public sealed class PolygonZone(ZoneOptions options)
{
    readonly NormalizedPolygon _polygon = new(options.Points);

    public string Name { get; } = options.Name;
    public IReadOnlyList<(double X, double Y)> Points => _polygon.Points;

    public bool Contains(double x, double y) => _polygon.Contains(x, y);

    public bool ContainsFootOf(in Detection box, int frameWidth, int frameHeight) =>
        _polygon.ContainsFootOf(box, frameWidth, frameHeight);
}
