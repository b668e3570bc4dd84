using System.Security.Cryptography;
using OpenCvSharp;

namespace ParNetDetect.Data.Tests;

public class SyntheticTests
{
    static string Hash(string dir) => Convert.ToHexString(SHA256.HashData(
        Directory.GetFiles(dir, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .SelectMany(File.ReadAllBytes).ToArray()));

    [Fact]
    public void SameSeedSameDatasetAndItOpensAsCoco()
    {
        using var a = new TempDir();
        using var b = new TempDir();
        var options = new SyntheticDatasetOptions { TrainImages = 10, ValImages = 3, ImageSize = 96, Seed = 5 };
        var result = SyntheticDatasetWriter.Write(a.Path, options);
        SyntheticDatasetWriter.Write(b.Path, options);
        Assert.Equal(Hash(a.Path), Hash(b.Path));

        var train = DetectionDatasets.Open(a.Path, "train");
        var val = DetectionDatasets.Open(a.Path, "val");
        Assert.Equal((10, 3), (train.Count, val.Count));
        Assert.Equal(ShapeGeometry.ClassNames, train.ClassNames);
        Assert.Equal(1, train.Categories.ToCategoryId(0));
        Assert.Equal(result.Objects, Enumerable.Range(0, 10).Sum(i => train[i].Annotations.Count) + Enumerable.Range(0, 3).Sum(i => val[i].Annotations.Count));
        Assert.Equal("no problems found", train.Issues.Summary());
    }

    [Fact]
    public void RefusesANonEmptyFolderWithoutOverwrite()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("keep.txt"), "mine");
        var options = new SyntheticDatasetOptions { TrainImages = 2, ValImages = 1, ImageSize = 64 };
        Assert.Throws<ParNetDetect.FileSafety.OutputRefusedException>(() => SyntheticDatasetWriter.Write(dir.Path, options));
        SyntheticDatasetWriter.Write(dir.Path, options with { Overwrite = true });
        Assert.True(File.Exists(dir.File("keep.txt")));
    }

    [Fact]
    public void BoxesAreTightAroundTheDrawnShapes()
    {
        // On a flat background the drawn pixels' extent must match the box (anti-aliased edges: within 1.5 px).
        for (int seed = 0; seed < 30; seed++)
        {
            var rng = new Random(seed);
            using var image = new Mat(128, 128, MatType.CV_8UC3, Scalar.All(0));
            var kind = (ShapeKind)(seed % 6);
            var outline = ShapeGeometry.Outline(kind, new Point2f(64, 64), 20 + seed, rng.NextSingle() * 6);
            SceneRenderer.Draw(image, outline, Scalar.All(255), outlined: false);
            var box = SceneRenderer.Clip(SceneRenderer.Bounds(outline), 128, 128)!.Value;
            using var gray = new Mat();
            Cv2.CvtColor(image, gray, ColorConversionCodes.BGR2GRAY);
            using var mask = new Mat();
            Cv2.Threshold(gray, mask, 127, 255, ThresholdTypes.Binary);
            var drawn = Cv2.BoundingRect(mask);
            Assert.True(Math.Abs(drawn.Left - box.X) <= 1.5 && Math.Abs(drawn.Right - box.Right) <= 1.5 &&
                        Math.Abs(drawn.Top - box.Y) <= 1.5 && Math.Abs(drawn.Bottom - box.Bottom) <= 1.5,
                $"{kind}: drawn {drawn} vs box {box}");
        }
    }

    [Fact]
    public void VideoHasTheFramesAndItsGroundTruth()
    {
        using var dir = new TempDir();
        string file = dir.File("demo.avi");
        SyntheticVideoWriter.Write(file, new SyntheticVideoWriter.Options(Frames: 12, Width: 160, Height: 120, Seed: 1, Objects: 3));
        using var capture = new VideoCapture(file);
        Assert.True(capture.IsOpened());
        int frames = 0;
        using var frame = new Mat();
        while (capture.Read(frame) && !frame.Empty()) frames++;
        Assert.Equal(12, frames);
        Assert.Equal(12, File.ReadAllLines(file + ".gt.jsonl").Length);
    }
}
