using OpenCvSharp;
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
            foreach (var b in boxes) DrawBox(tile, b, dataset.ClassNames[b.ClassIndex]);
            using var cell = new Mat(grid, new Rect(i % columns * tileSize, i / columns * tileSize, tileSize, tileSize));
            tile.CopyTo(cell);
        }
        return grid;
    }

    /// <summary>A box and its label in a colour picked by class, so classes are told apart at a glance.</summary>
    public static void DrawBox(Mat image, TargetBox box, string label)
    {
        var colour = Colours.ForClass(box.ClassIndex);
        var rect = new Rect((int)MathF.Round(box.X1), (int)MathF.Round(box.Y1), (int)MathF.Round(box.Width), (int)MathF.Round(box.Height));
        Cv2.Rectangle(image, rect, colour, 2);
        var textSize = Cv2.GetTextSize(label, HersheyFonts.HersheySimplex, 0.4, 1, out int baseline);
        int top = Math.Max(rect.Y - textSize.Height - baseline, 0);
        Cv2.Rectangle(image, new Rect(rect.X, top, textSize.Width + 2, textSize.Height + baseline), colour, -1);
        Cv2.PutText(image, label, new Point(rect.X + 1, top + textSize.Height), HersheyFonts.HersheySimplex, 0.4, Scalar.All(0), 1, LineTypes.AntiAlias);
    }
}
