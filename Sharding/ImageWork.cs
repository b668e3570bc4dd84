namespace ParNetDetect.Sharding;

/// <summary>
/// How much work detecting one image is, in integer units for <see cref="WorkBalancedPartition"/>: a fixed part for
/// the forward pass (every image is letterboxed to the same size) plus decoding and resizing, which grow with the
/// image's pixels. The ratio is an estimate, not a measurement of any one machine: libjpeg-turbo decodes on the order
/// of 100-200 megapixels a second on one core, and a small detector's forward at 640 px takes some tens of ms, so
/// decoding about 8 megapixels costs about one forward. It matters only where image sizes differ.
/// </summary>
public static class ImageWork
{
    /// <summary>The forward pass, in units.</summary>
    public const long ForwardUnits = 64;
    /// <summary>Pixels decoded per unit: 64 units of decoding = 8 megapixels = one forward.</summary>
    public const long PixelsPerUnit = 125_000;

    public static long Units(int width, int height) => ForwardUnits + (long)width * height / PixelsPerUnit;

    /// <summary>Units per image; an image whose size is unknown (an unreadable header) counts as the mean known
    /// image, so it neither drags its shard's work to zero nor inflates it.</summary>
    public static long[] Units(IReadOnlyList<(int Width, int Height)?> sizes)
    {
        var known = sizes.Where(s => s is { Width: > 0, Height: > 0 }).Select(s => (long)s!.Value.Width * s.Value.Height).ToList();
        long meanPixels = known.Count > 0 ? known.Sum() / known.Count : 0;
        return sizes.Select(s => s is { Width: > 0, Height: > 0 } v ? Units(v.Width, v.Height) : ForwardUnits + meanPixels / PixelsPerUnit).ToArray();
    }
}
