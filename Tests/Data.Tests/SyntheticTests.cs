using System.Security.Cryptography;
using System.Text.Json;
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
            ShapePainter.Fill(image, outline, Scalar.All(255), outlined: false);
            var box = SceneRules.Clip(SceneRules.Bounds(outline), 128, 128)!.Value;
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
    public void VideoHasTheFramesAndCocoGroundTruthNumberedByFrame()
    {
        using var dir = new TempDir();
        string file = dir.File("demo.avi");
        int objects = SyntheticVideoWriter.Write(file, new SyntheticVideoWriter.Options(Frames: 12, Width: 160, Height: 120, Seed: 1, Objects: 3));
        using var capture = new VideoCapture(file);
        Assert.True(capture.IsOpened());
        int frames = 0;
        using var frame = new Mat();
        while (capture.Read(frame) && !frame.Empty()) frames++;
        Assert.Equal(12, frames);

        Assert.Equal(dir.File("demo.json"), SyntheticVideoWriter.TruthFile(file));
        using var truth = JsonDocument.Parse(File.ReadAllText(dir.File("demo.json")));
        var images = truth.RootElement.GetProperty("images").EnumerateArray().ToList();
        Assert.Equal(Enumerable.Range(1, 12), images.Select(i => i.GetProperty("id").GetInt32()));
        Assert.All(images, i => Assert.Equal((160, 120), (i.GetProperty("width").GetInt32(), i.GetProperty("height").GetInt32())));
        var annotations = truth.RootElement.GetProperty("annotations").EnumerateArray().ToList();
        // Every shape stays in view under the rules, so each frame holds every object, each with its track.
        Assert.Equal(12 * objects, annotations.Count);
        Assert.Equal(Enumerable.Range(1, objects), annotations.Select(a => a.GetProperty("track_id").GetInt32()).Distinct().Order());
        Assert.Equal(ShapeGeometry.ClassNames, truth.RootElement.GetProperty("categories").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
    }

    [Fact]
    public void MovingShapesKeepTheStillsRulesInEveryFrame()
    {
        // A crowded scene stepped for long: shapes meet edges and each other all the time.
        using var scene = Scene.Generate(200, 150, new Random(4), 8, 8);
        using var frame = new Mat();
        Assert.True(scene.Count >= 4, $"only {scene.Count} shapes placed");
        var start = scene.Render(frame).Select(o => o.Box).ToList();
        bool moved = false;
        for (int step = 0; step < 1500; step++)
        {
            scene.Step();
            var objects = scene.Render(frame);
            Assert.Equal(scene.Count, objects.Count);
            for (int i = 0; i < objects.Count; i++)
            {
                var box = objects[i].Box;
                Assert.True(box.X >= 0 && box.Y >= 0 && box.Right <= 200 && box.Bottom <= 150 && box.Width >= SceneRules.MinSide,
                    $"step {step}: {box} is not inside the frame");
                for (int j = i + 1; j < objects.Count; j++)
                    Assert.False(SceneRules.Hides(objects[j].Box, box), $"step {step}: shape {j} hides shape {i}");
                moved |= box != start[i];
            }
        }
        Assert.True(moved);
    }

    [Fact]
    public void TheBackdropIsTheSamePictureAtEveryFrameSize()
    {
        // Lengths scale with the short side, so a 640-pixel frame shrunk to 320 is the 320-pixel one (up to noise):
        // far closer to it than to another seed's backdrop.
        static double Difference(int seedA, int seedB)
        {
            using var small = Backdrop.Render(320, 320, new Random(seedA));
            using var large = Backdrop.Render(640, 640, new Random(seedB));
            using var shrunk = new Mat();
            Cv2.Resize(large, shrunk, new OpenCvSharp.Size(320, 320), 0, 0, InterpolationFlags.Area);
            using var difference = new Mat();
            Cv2.Absdiff(small, shrunk, difference);
            return Cv2.Mean(difference).Val0;
        }
        for (int seed = 0; seed < 5; seed++)
        {
            double same = Difference(seed, seed), other = Difference(seed, seed + 100);
            Assert.True(same < other / 3, $"seed {seed}: {same:F1} grey levels from itself at twice the size, {other:F1} from another seed");
        }
    }

    [Fact]
    public void DatasetsMixSquareStillsAndVideoSizedFrames()
    {
        using var dir = new TempDir();
        SyntheticDatasetWriter.Write(dir.Path, new SyntheticDatasetOptions
        {
            TrainImages = 20, ValImages = 1, ImageSize = 64, FrameShare = 0.5, FrameWidth = 96, FrameHeight = 72, Seed = 2,
        });
        var train = DetectionDatasets.Open(dir.Path, "train");
        var sizes = Enumerable.Range(0, train.Count).Select(i => (train[i].Width, train[i].Height)).ToList();
        Assert.Contains((64, 64), sizes);
        Assert.Contains((96, 72), sizes);
        Assert.All(sizes, s => Assert.True(s is (64, 64) or (96, 72)));
    }
}
