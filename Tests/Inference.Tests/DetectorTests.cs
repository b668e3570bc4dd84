using OpenCvSharp;
using ParNetDetect.DetectionHead;
using ParNetDetect.Imaging;
using ParNetDetect.Inference.Backends;

namespace ParNetDetect.Inference.Tests;

public sealed class DetectorTests : TorchTest, IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("detector-tests-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    string SaveUntrained(int imageSize = 64, bool half = false, int? calibratedAt = null)
    {
        using var model = YoloDetector.Create("parnet-n-yolo", 2);
        var checkpoint = new Checkpoint(new CheckpointInfo
        {
            Model = "parnet-n-yolo", ClassNames = ["circle", "square"], CategoryIds = [1, 2], ImageSize = imageSize,
            CalibratedImageSize = calibratedAt,
        });
        checkpoint.PutModule(Checkpoint.ModelSection, model, half);
        string path = Path.Combine(_dir, "m.ckpt");
        checkpoint.Save(path);
        return path;
    }

    [Fact]
    public void LoadsAFusedModelAndDetectsOnBgrImages()
    {
        using var detector = Detector.Load(SaveUntrained());
        Assert.True(((TorchDetectorBackend)detector.Backend).Model.IsFused);
        Assert.Equal(["circle", "square"], detector.ClassNames);
        using var image = new Mat(30, 50, MatType.CV_8UC3, new Scalar(10, 200, 30));
        var low = DetectOptions.Default with { ConfidenceThreshold = 0 };
        var one = detector.Detect(image, low);
        Assert.NotEmpty(one);
        // Boxes land inside the original image, not the 64x64 canvas.
        Assert.All(one, d => Assert.True(d.X1 >= 0 && d.X2 <= 50 && d.Y1 >= 0 && d.Y2 <= 30 && d.X2 > d.X1));
        var batch = detector.Detect([image, image], low);
        Assert.Equal(2, batch.Length);
        // Batched and single runs agree up to float noise (which may reorder near-equal untrained scores).
        Assert.Equal(one[0].Score, batch[0][0].Score, 4);
        Assert.Equal(batch[0].Count, batch[1].Count);
    }

    [Fact]
    public void ADetectorRunsWhereItsThresholdsWereCalibratedUnlessToldAnotherSide()
    {
        using (var trained = Detector.Load(SaveUntrained(imageSize: 64)))
            Assert.Equal(64, trained.ImageSize);
        string calibrated = SaveUntrained(imageSize: 64, calibratedAt: 96);
        using (var torch = Detector.Load(calibrated))
            Assert.Equal(96, torch.ImageSize);
        using (var onnx = Detector.Load(calibrated, new BackendOptions { Kind = BackendKind.Onnx }))
            Assert.Equal(96, onnx.ImageSize);
        using (var told = Detector.Load(calibrated, imageSize: 128))
            Assert.Equal(128, told.ImageSize);
        var e = Assert.Throws<ArgumentException>(() => Detector.Load(calibrated, imageSize: 100));
        Assert.Contains("multiples of 32; 100 is not", e.Message);
    }

    [Fact]
    public void GreyAndBgraFramesAreConvertedAndOtherTypesNamed()
    {
        using var detector = Detector.Load(SaveUntrained());
        var low = DetectOptions.Default with { ConfidenceThreshold = 0 };
        using var grey = new Mat(30, 50, MatType.CV_8UC1, Scalar.All(90));
        using var greyAsBgr = new Mat(30, 50, MatType.CV_8UC3, Scalar.All(90));
        using var bgra = new Mat(30, 50, MatType.CV_8UC4, new Scalar(10, 200, 30, 255));
        using var bgr = new Mat(30, 50, MatType.CV_8UC3, new Scalar(10, 200, 30));
        Assert.Equal(detector.Detect(greyAsBgr, low), detector.Detect(grey, low));
        Assert.Equal(detector.Detect(bgr, low), detector.Detect(bgra, low));
        using var floats = new Mat(30, 50, MatType.CV_32FC3);
        var e = Assert.Throws<ArgumentException>(() => detector.Detect([bgr, floats], low));
        Assert.StartsWith("image 1:", e.Message);
        using var empty = new Mat();
        Assert.Contains("image 0 is an empty Mat", Assert.Throws<ArgumentException>(() => detector.Detect(empty)).Message);
    }

    [Fact]
    public void CanvasBoxesMapBackThroughTheLetterbox()
    {
        // 200x100 image on a 64 canvas: scale 0.32, padded 16 px above and below.
        var info = LetterboxInfo.Compute(200, 100, 64);
        var mapped = Detector.ToOriginal([new Detection(0, 16, 32, 32, 0.9f, 1), new Detection(10, 0, 20, 10, 0.5f, 0)], info);
        var d = Assert.Single(mapped);   // the second lies entirely in the padding
        Assert.Equal(0f, d.X1, 3);
        Assert.Equal(0f, d.Y1, 3);
        Assert.Equal(100f, d.X2, 3);
        Assert.Equal(50f, d.Y2, 3);
    }

    [Fact]
    public void TruncatedCheckpointIsAClearError()
    {
        string path = SaveUntrained();
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var e = Assert.Throws<InvalidDataException>(() => Detector.Load(path));
        Assert.Contains("truncated", e.Message);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void ForeignFileIsAClearError()
    {
        string path = Path.Combine(_dir, "x.ckpt");
        File.WriteAllText(path, "hello, not a model at all");
        var e = Assert.Throws<InvalidDataException>(() => Detector.Load(path));
        Assert.Contains("not a ParNet Detect checkpoint", e.Message);
    }

    [Fact]
    public void WeightsOfAnotherVariantAreAClearError()
    {
        string path = SaveUntrained();
        var checkpoint = Checkpoint.Load(path);
        checkpoint.Info = checkpoint.Info with { Model = "parnet-t-yolo" };
        checkpoint.Save(path);
        var e = Assert.Throws<InvalidDataException>(() => Detector.Load(path));
        Assert.Contains("do not fit a parnet-t-yolo", e.Message);
        Assert.Contains("backbone.", e.Message);   // names the first tensor that does not fit
    }

    [Fact]
    public void HalfPrecisionWeightsLoadBackAsFloat()
    {
        using var full = Detector.Load(SaveUntrained());
        var fullSize = new FileInfo(Path.Combine(_dir, "m.ckpt")).Length;
        using var half = Detector.Load(SaveUntrained(half: true));
        Assert.InRange(new FileInfo(Path.Combine(_dir, "m.ckpt")).Length, fullSize / 2 - 100_000, fullSize / 2 + 100_000);
        using var image = new Mat(64, 64, MatType.CV_8UC3, new Scalar(90, 20, 200));
        var low = DetectOptions.Default with { ConfidenceThreshold = 0, MaxDetections = 1 };
        Assert.Equal(full.Detect(image, low)[0].Score, half.Detect(image, low)[0].Score, 2);
    }

    [Fact]
    public void SavingReplacesAtomicallyAndLeavesNoTemporaryFile()
    {
        string path = SaveUntrained();
        SaveUntrained();
        Assert.Equal(["m.ckpt"], Directory.GetFiles(_dir).Select(Path.GetFileName));
        Assert.Equal(64, Checkpoint.Load(path).Info.ImageSize);
    }
}
