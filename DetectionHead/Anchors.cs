using static TorchSharp.torch;

namespace ParNetDetect.DetectionHead;

/// <summary>
/// The anchor boxes of the three detection levels, in pixels of the network input, and their strides.
/// The defaults are Scaled-YOLOv4's (COCO k-means at 640). They are deliberately not rescaled for other input
/// sizes: like YOLOv4/v5, an anchor is an object size in input pixels, and an image letterboxed to 320 holds
/// objects half as large as at 640, so the same anchors still fit them; the 4x ratio rule of the assigner spans
/// the rest. Rescaling with the input would change what each level is responsible for and break checkpoints that
/// are evaluated at a size they were not trained at.
/// </summary>
public sealed class Anchors
{
    /// <summary>(width, height) in pixels per level, P3 first.</summary>
    public IReadOnlyList<(float W, float H)[]> Pixels { get; }

    /// <summary>Downsampling factor of each level: 8, 16, 32.</summary>
    public IReadOnlyList<int> Strides { get; }

    public int Levels => Strides.Count;
    public int PerLevel { get; }

    public Anchors(IReadOnlyList<(float W, float H)[]> pixels, IReadOnlyList<int> strides)
    {
        if (pixels.Count != strides.Count || pixels.Count == 0)
            throw new ArgumentException($"{pixels.Count} anchor levels for {strides.Count} strides.");
        if (pixels.Any(l => l.Length != pixels[0].Length || l.Length == 0))
            throw new ArgumentException("every level needs the same, non-zero number of anchors.");
        if (pixels.SelectMany(l => l).Any(a => !(a.W > 0 && a.H > 0)))
            throw new ArgumentException("anchor sizes must be positive.");
        Pixels = pixels;
        Strides = strides;
        PerLevel = pixels[0].Length;
    }

    /// <summary>Scaled-YOLOv4's anchors: P3 (12,16) (19,36) (40,28); P4 (36,75) (76,55) (72,146);
    /// P5 (142,110) (192,243) (459,401); strides 8, 16, 32.</summary>
    public static Anchors Default { get; } = new(
    [
        [(12, 16), (19, 36), (40, 28)],
        [(36, 75), (76, 55), (72, 146)],
        [(142, 110), (192, 243), (459, 401)],
    ], [8, 16, 32]);

    /// <summary>(A, 2) anchor sizes of a level in pixels.</summary>
    public Tensor PixelTensor(int level, Device? device = null) =>
        tensor(Pixels[level].SelectMany(a => new[] { a.W, a.H }).ToArray(), [PerLevel, 2], device: device);

    /// <summary>(A, 2) anchor sizes of a level in grid cells (pixels / stride): the assigner's and loss's unit.</summary>
    public Tensor GridTensor(int level, Device? device = null) =>
        tensor(Pixels[level].SelectMany(a => new[] { a.W / Strides[level], a.H / Strides[level] }).ToArray(),
            [PerLevel, 2], device: device);
}
