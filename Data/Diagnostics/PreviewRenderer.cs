using OpenCvSharp;
using ParNetDetect.Imaging;
using Scalar = OpenCvSharp.Scalar;

namespace ParNetDetect.Data;

/// <summary>
/// A grid of training samples exactly as the loader makes them (same <see cref="SampleComposer"/>), with each
/// target box and class name drawn, so a person can see at a glance that the augmentations keep boxes on objects.
/// </summary>
public static class PreviewRenderer
{
    public static Mat Render(IDetectionDataset dataset, int count, int tileSize, AugmentationOptions? augmentation, int seed)
    {
        int columns = (int)Math.Ceiling(Math.Sqrt(count)), rows = (count + columns - 1) / columns;
        var grid = new Mat(rows * tileSize, columns * tileSize, MatType.CV_8UC3, Scalar.All(0));
        using var composer = new SampleComposer(dataset, tileSize, augmentation);
        using var tile = new Mat();
        var boxes = new List<TargetBox>();
        var rng = new Random(seed);
        for (int i = 0; i < count; i++)
        {
            int index = rng.Next(dataset.Count);
            bool ok = augmentation == null
                ? composer.TryCompose(index, tile, boxes) != null
                : composer.TryComposeAugmented(index, augmentation.Mosaic, new Random(Seeds.Mix(seed, 0, i)), tile, boxes);
            if (!ok) continue;
            foreach (var b in boxes) BoxPainter.Draw(tile, b.X1, b.Y1, b.X2, b.Y2, b.ClassIndex, dataset.ClassNames[b.ClassIndex]);
            using var cell = new Mat(grid, new Rect(i % columns * tileSize, i / columns * tileSize, tileSize, tileSize));
            tile.CopyTo(cell);
        }
        return grid;
    }
}
