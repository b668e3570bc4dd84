using OpenCvSharp;

namespace ParNetDetect.Data.Tests;

public class AugmentationTests
{
    const int Size = 160;

    // Colour off (so the rectangles stay white) and every visible sliver kept (so none is left unboxed).
    static AugmentationOptions NoColour(bool mosaic) => AugmentationOptions.Default with
    {
        Mosaic = mosaic,
        HueGain = 0,
        SaturationGain = 0,
        ValueGain = 0,
        MinBoxSide = 0,
        MinVisibleArea = 0,
    };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void BoxesFollowTheImageThroughMosaicAffineAndFlip(bool mosaic)
    {
        using var dir = new TempDir();
        var ds = RectangleDataset.Create(dir, 6, seed: 1);
        using var composer = new SampleComposer(ds, Size, NoColour(mosaic));
        using var sample = new Mat();
        var boxes = new List<TargetBox>();
        int checkedBoxes = 0;
        for (int seed = 0; seed < 40; seed++)
        {
            Assert.True(composer.TryComposeAugmented(seed % ds.Count, mosaic, new Random(seed), sample, boxes));
            Assert.Equal(Size, sample.Rows);
            foreach (var b in boxes)
            {
                Assert.InRange(b.X1, 0, Size); Assert.InRange(b.X2, 0, Size);
                Assert.True(b.Width > 2 && b.Height > 2);
                // Inside the box (1 px in from each edge): white; the bright pixels' extent matches the box.
                var inner = new Rect((int)Math.Ceiling(b.X1) + 1, (int)Math.Ceiling(b.Y1) + 1,
                    (int)Math.Floor(b.X2) - (int)Math.Ceiling(b.X1) - 2, (int)Math.Floor(b.Y2) - (int)Math.Ceiling(b.Y1) - 2);
                if (inner.Width <= 0 || inner.Height <= 0) continue;
                using var gray = new Mat();
                Cv2.CvtColor(sample[inner], gray, ColorConversionCodes.BGR2GRAY);
                Cv2.MinMaxLoc(gray, out double min, out _);
                Assert.True(min > 200, $"seed {seed}: box {b} is not all on the rectangle (min {min})");
                checkedBoxes++;
            }
            // And no bright rectangle pixels are left outside every box.
            using var mask = new Mat();
            Cv2.InRange(sample, new Scalar(250, 250, 250), new Scalar(255, 255, 255), mask);
            foreach (var b in boxes)
                mask[new Rect((int)b.X1 - 1, (int)b.Y1 - 1, (int)b.Width + 3, (int)b.Height + 3) & new Rect(0, 0, Size, Size)].SetTo(0);
            Assert.True(Cv2.CountNonZero(mask) < 40, $"seed {seed}: {Cv2.CountNonZero(mask)} bright pixels outside the boxes");
        }
        Assert.True(checkedBoxes > 30);
    }

    [Fact]
    public void EverythingOffIsACentredLetterbox()
    {
        using var dir = new TempDir();
        var ds = RectangleDataset.Create(dir, 1, seed: 2);
        using var composer = new SampleComposer(ds, Size, AugmentationOptions.None);
        using var augmented = new Mat();
        using var plain = new Mat();
        var a = new List<TargetBox>();
        var b = new List<TargetBox>();
        composer.TryComposeAugmented(0, mosaic: false, new Random(1), augmented, a);
        var info = composer.TryCompose(0, plain, b);
        Assert.NotNull(info);
        Assert.Equal(b, a, (x, y) => Math.Abs(x.X1 - y.X1) < 0.01 && Math.Abs(x.Y2 - y.Y2) < 0.01);
        // The warp and the letterbox's resize sample alike, up to the resize rounding the size to whole pixels.
        using var diff = new Mat();
        Cv2.Absdiff(augmented, plain, diff);
        double meanDiff = diff.Mean().Val0;
        Assert.True(meanDiff < 2, $"mean pixel difference {meanDiff}");
    }

    [Fact]
    public void HsvChangesColoursButNotGeometry()
    {
        using var dir = new TempDir();
        var ds = RectangleDataset.Create(dir, 1, seed: 3);
        using var composer = new SampleComposer(ds, Size, AugmentationOptions.None with { ValueGain = 0.9f });
        using var a = new Mat();
        using var b = new Mat();
        var boxesA = new List<TargetBox>();
        var boxesB = new List<TargetBox>();
        composer.TryComposeAugmented(0, false, new Random(1), a, boxesA);
        composer.TryComposeAugmented(0, false, new Random(2), b, boxesB);
        Assert.Equal(boxesA, boxesB);
        Assert.NotEqual(a.Mean().Val0, b.Mean().Val0);
    }

    [Fact]
    public void MosaicClosesForTheLastEpochs()
    {
        var options = AugmentationOptions.Default with { CloseMosaicEpochs = 3 };
        Assert.True(options.MosaicActive(6, 10));
        Assert.False(options.MosaicActive(7, 10));
        Assert.True(options.MosaicActive(50, 0));
        Assert.False((options with { Mosaic = false }).MosaicActive(0, 10));
    }
}
