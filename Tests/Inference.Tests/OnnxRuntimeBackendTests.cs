using OpenCvSharp;
using ParNetDetect.DetectionHead;
using ParNetDetect.Inference.Backends;
using ParNetDetect.Onnx;

namespace ParNetDetect.Inference.Tests;

/// <summary>The ONNX Runtime backend behind the same Detector: the demo model detects the same objects either way.</summary>
public sealed class OnnxRuntimeBackendTests : TorchTest, IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("onnx-backend-tests-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A grey frame with the demo model's shapes drawn on it, placed from a seeded generator.</summary>
    static Mat Shapes(int seed)
    {
        var random = new Random(seed);
        var image = new Mat(240, 320, MatType.CV_8UC3, new Scalar(120, 120, 120));
        for (int i = 0; i < 4; i++)
        {
            var colour = new Scalar(random.Next(256), random.Next(256), random.Next(256));
            int x = random.Next(20, 260), y = random.Next(20, 180), r = random.Next(12, 30);
            if (i % 2 == 0) Cv2.Circle(image, new Point(x, y), r, colour, -1);
            else Cv2.Rectangle(image, new Rect(x - r, y - r, 2 * r, 2 * r), colour, -1);
        }
        return image;
    }

    static void AssertSameDetections(IReadOnlyList<Detection> expected, IReadOnlyList<Detection> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].ClassIndex, actual[i].ClassIndex);
            Assert.Equal(expected[i].Score, actual[i].Score, 3);
            float iou = Boxes.Iou(expected[i].X1, expected[i].Y1, expected[i].X2, expected[i].Y2,
                actual[i].X1, actual[i].Y1, actual[i].X2, actual[i].Y2);
            Assert.True(iou > 0.999, $"detection {i}: IoU {iou} between the backends' boxes");
        }
    }

    [Fact]
    public void TheDemoModelDetectsTheSameObjectsInOnnxRuntimeAsInTorchSharp()
    {
        using var torch = Detector.Load(Detector.DemoName, new BackendOptions { Kind = BackendKind.Torch });
        using var onnx = Detector.Load(Detector.DemoName, new BackendOptions { Kind = BackendKind.Onnx });
        Assert.IsType<OnnxRuntimeBackend>(onnx.Backend);
        Assert.Equal(torch.ClassNames, onnx.ClassNames);
        Assert.Equal(torch.ImageSize, onnx.ImageSize);
        for (int seed = 1; seed <= 3; seed++)
        {
            using var image = Shapes(seed);
            var expected = torch.Detect(image);
            Assert.NotEmpty(expected);
            AssertSameDetections(expected, onnx.Detect(image));
        }
    }

    [Fact]
    public void EachCallIsIndependentOfTheLastThoughTheBuffersAreReused()
    {
        using var onnx = Detector.Load(Detector.DemoName, new BackendOptions { Kind = BackendKind.Onnx });
        using var a = Shapes(4);
        using var b = Shapes(5);
        var first = onnx.Detect(a);
        onnx.Detect(b);
        AssertSameDetections(first, onnx.Detect(a));
        var batch = onnx.Detect([a, b]);   // another input shape: its own buffers
        AssertSameDetections(first, batch[0]);
    }

    [Fact]
    public void AnExportedFileRunsWithAutoAndTheTorchBackendRefusesIt()
    {
        string onnxFile = Path.Combine(_dir, "demo.onnx");
        using (var torch = TorchDetectorBackend.Load(Detector.ResolveWeights(Detector.DemoName)))
            OnnxExporter.Export(torch.Model, torch.Info, new OnnxExportOptions { ImageSize = torch.Info.ImageSize, Dynamic = true })
                .Save(onnxFile);

        using (var auto = Detector.Load(onnxFile))
        {
            Assert.IsType<OnnxRuntimeBackend>(auto.Backend);
            using var image = Shapes(6);
            Assert.NotEmpty(auto.Detect(image));
        }
        var e = Assert.Throws<ArgumentException>(() => Detector.Load(onnxFile, new BackendOptions { Kind = BackendKind.Torch }));
        Assert.Contains("--backend onnx", e.Message);
    }

    [Fact]
    public void AFileThatIsNotOnnxIsNamedInOneLine()
    {
        string bogus = Path.Combine(_dir, "bogus.onnx");
        File.WriteAllText(bogus, "not a model\n");
        var e = Assert.Throws<InvalidDataException>(() => Detector.Load(bogus));
        Assert.Equal($"{bogus} is not an ONNX file.", e.Message);
    }
}
