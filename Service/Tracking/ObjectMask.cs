using ParNetDetect.DetectionHead;

namespace ParNetDetect.Service.Tracking;

/// <summary>A camera's object masks: polygons where nothing is an object (a poster, a parked-car spot). A detection
/// is masked when the bottom centre of its box lies in any of them, as with zones.</summary>
public sealed class ObjectMask(IEnumerable<IReadOnlyList<double[]>> polygons)
{
    public IReadOnlyList<NormalizedPolygon> Polygons { get; } = polygons.Select(p => new NormalizedPolygon(p)).ToArray();

    public bool Hides(in Detection box, int frameWidth, int frameHeight)
    {
        foreach (var polygon in Polygons)
            if (polygon.ContainsFootOf(box, frameWidth, frameHeight)) return true;
        return false;
    }
}
