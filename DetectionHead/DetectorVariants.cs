using ParNetDetect.Backbone;

namespace ParNetDetect.DetectionHead;

/// <summary>A named detector: which ParNet, and the neck's width w (outputs 2w, 4w, 8w) and CSP depth.</summary>
public sealed record DetectorVariant(string Name, string Backbone, int NeckWidth, int CspDepth);

/// <summary>
/// The detector registry: one `&lt;backbone&gt;-yolo` per ParNet variant. The paper's variants get YOLOv4-CSP's own neck
/// (w = 128, depth 2); the CPU variants a neck scaled with their backbone (nano w = 32, tiny w = 64, depth 1) so the
/// neck does not cost more than the backbone it serves.
/// </summary>
public static class DetectorVariants
{
    public const string Suffix = "-yolo";

    static readonly DetectorVariant[] All = ParNetVariants.Variants.Select(v => v.Name switch
    {
        "parnet-n" => new DetectorVariant(v.Name + Suffix, v.Name, 32, 1),
        "parnet-t" => new DetectorVariant(v.Name + Suffix, v.Name, 64, 1),
        _ => new DetectorVariant(v.Name + Suffix, v.Name, 128, 2),
    }).ToArray();

    public static IReadOnlyList<DetectorVariant> Variants => All;
    public static IReadOnlyList<string> Names { get; } = All.Select(v => v.Name).ToArray();

    /// <summary>Looks a detector up by name (case-insensitive); unknown names list the known ones.</summary>
    public static DetectorVariant Get(string name) =>
        All.FirstOrDefault(v => string.Equals(v.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"unknown detector '{name}'. Known: {string.Join(", ", Names)}.");
}
