using OpenCvSharp;
using ParNetDetect.Platform;
using Scalar = OpenCvSharp.Scalar;

namespace ParNetDetect.Data.Tests;

/// <summary>A small `detect synth` dataset shared by the loader tests (made once, deleted afterwards).</summary>
public sealed class SyntheticFixture : IDisposable
{
    readonly TempDir _dir = new();

    public SyntheticFixture()
    {
        TorchRuntime.Initialize();
        SyntheticDatasetWriter.Write(_dir.Path, new SyntheticDatasetOptions { TrainImages = 24, ValImages = 6, ImageSize = 128, Seed = 3 });
        Train = DetectionDatasets.Open(_dir.Path, "train");
        Val = DetectionDatasets.Open(_dir.Path, "val");
    }

    public string Root => _dir.Path;
    public IDetectionDataset Train { get; }
    public IDetectionDataset Val { get; }

    public void Dispose() => _dir.Dispose();
}

/// <summary>
/// Images of white rectangles on black with exact boxes: after any augmentation, each target box must tightly
/// enclose bright pixels, which checks that boxes move with the image.
/// </summary>
static class RectangleDataset
{
    public static DetectionDataset Create(TempDir dir, int images, int seed)
    {
        var rng = new Random(seed);
        var records = new List<ImageRecord>();
        for (int i = 0; i < images; i++)
        {
            int w = rng.Next(120, 300), h = rng.Next(120, 300);
            using var image = new Mat(h, w, MatType.CV_8UC3, Scalar.All(0));
            int bw = rng.Next(30, w / 2), bh = rng.Next(30, h / 2), x = rng.Next(0, w - bw), y = rng.Next(0, h - bh);
            image[new Rect(x, y, bw, bh)].SetTo(Scalar.All(255));
            string path = dir.File($"r{i}.png");
            Cv2.ImWrite(path, image);
            records.Add(new ImageRecord(i + 1, path, w, h, [new Annotation(i + 1, 0, new BoxXywh(x, y, bw, bh), false, bw * bh)]));
        }
        return new DetectionDataset(dir.Path, "test", CategoryMap.Identity(["rect"]), records, new DatasetIssues());
    }
}
