using OpenCvSharp;
using ParNetDetect.DetectionHead;
using ParNetDetect.Inference.Export;
using ParNetDetect.Platform;
using ParNetDetect.Service.Configuration;
using ParNetDetect.Service.Detectors;

namespace ParNetDetect.Service.Tests;

/// <summary>The adapter over the real ParNet-YOLO detector, with a small untrained checkpoint written here.</summary>
public class DetectorAdapterTests
{
    /// <summary>An untrained two-class checkpoint, with calibrated thresholds per class when given.</summary>
    static string TinyCheckpoint(IReadOnlyList<float>? classThresholds = null)
    {
        TorchRuntime.Initialize();
        string path = Path.Combine(Support.TestVideos.TempDirectory(), "tiny.ckpt");
        using var model = YoloDetector.Create("parnet-n-yolo", 2);
        var checkpoint = new Checkpoint(new CheckpointInfo
        {
            Model = "parnet-n-yolo", ClassNames = ["square", "circle"], CategoryIds = [1, 2], ImageSize = 128,
            ClassScoreThresholds = classThresholds,
        });
        checkpoint.PutModule(Checkpoint.ModelSection, model);
        checkpoint.Save(path);
        return path;
    }

    [Fact]
    public void AdapterLoadsACheckpointAndReturnsBoxesInFramePixels()
    {
        using var detector = ParNetObjectDetector.Load(new DetectorOptions { Weights = TinyCheckpoint() });
        Assert.Equal(["square", "circle"], detector.ClassNames);
        Assert.Equal([0.25f, 0.25f], detector.ScoreThresholds); // not calibrated: the interactive default for each class
        using var frame = new Mat(120, 200, MatType.CV_8UC3, new Scalar(40, 90, 160));
        Cv2.Rectangle(frame, new Rect(60, 30, 50, 50), Scalar.White, -1);
        var found = detector.Detect(frame, 0.0f);
        Assert.NotEmpty(found); // untrained, but with no threshold something always scores
        Assert.All(found, d =>
        {
            Assert.InRange(d.X1, 0, d.X2);
            Assert.InRange(d.Y1, 0, d.Y2);
            Assert.InRange(d.X2, d.X1, 200);
            Assert.InRange(d.Y2, d.Y1, 120);
            Assert.InRange(d.ClassIndex, 0, 1);
        });
        Assert.All(detector.Detect(frame, 0.5f), d => Assert.True(d.Score >= 0.5f));
    }

    [Fact]
    public void TheServiceFiltersWithTheModelsCalibratedThresholdsPerClass()
    {
        using var detector = ParNetObjectDetector.Load(new DetectorOptions { Weights = TinyCheckpoint([0.3f, 0.6f]) });
        Assert.Equal([0.3f, 0.6f], detector.ScoreThresholds);
    }

    [Fact]
    public void FramesAreLetterboxedToDetectorImageSizeElseTheModelsOwn()
    {
        string weights = TinyCheckpoint();
        using (var own = ParNetObjectDetector.Load(new DetectorOptions { Weights = weights }))
            Assert.Equal(128, own.ImageSize);
        using (var told = ParNetObjectDetector.Load(new DetectorOptions { Weights = weights, ImageSize = 192 }))
            Assert.Equal(192, told.ImageSize);
        var problems = ServiceOptionsValidator.Validate(new ServiceOptions
        {
            Detector = new DetectorOptions { ImageSize = 200 },
            Cameras = [new CameraOptions { Id = "a", Source = "x.avi" }],
        });
        Assert.Equal(["Detect:Detector:ImageSize: must be 0 (the model's own) or a multiple of 32 from 32 to 4096 (got 200)."], problems);

        // A graph exported for one side is a configuration error naming the field, before any camera starts.
        string graph = Path.ChangeExtension(weights, ".onnx");
        DetectorExport.Export(weights, new ExportSettings(), []).Save(graph);
        var e = Assert.Throws<ConfigurationException>(() => ParNetObjectDetector.Load(new DetectorOptions { Weights = graph, ImageSize = 192 }));
        Assert.Equal($"Detect:Detector:ImageSize: {graph} takes 128x128 inputs only (exported without --dynamic); 192x192 was asked.", e.Message);
    }

    [Fact]
    public void MissingWeightsAreAConfigurationErrorNamingTheField()
    {
        var e = Assert.Throws<ConfigurationException>(() => ParNetObjectDetector.Load(new DetectorOptions { Weights = "/nonexistent/model.ckpt" }));
        Assert.Contains("Detect:Detector:Weights", e.Message);
    }
}
