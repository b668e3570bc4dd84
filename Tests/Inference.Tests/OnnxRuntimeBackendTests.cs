using Google.Protobuf;
using Onnx;
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

    /// <summary>The demo model exported to <paramref name="file"/> at the side it runs at, as `detect export` does.</summary>
    string ExportDemo(string file, bool dynamic)
    {
        string path = Path.Combine(_dir, file);
        using var torch = TorchDetectorBackend.Load(Detector.ResolveWeights(Detector.DemoName));
        OnnxExporter.Export(torch.Model, torch.Info, new OnnxExportOptions { ImageSize = torch.Info.InferenceImageSize, Dynamic = dynamic })
            .Save(path);
        return path;
    }

    /// <summary>
    /// The demo model's graph as another exporter would leave it: no metadata, and its input and output named as
    /// YOLOv5's export names them.
    /// </summary>
    string ForeignDemoGraph(string file, bool dynamic = false)
    {
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(ExportDemo(file, dynamic)));
        model.MetadataProps.Clear();
        Rename(model.Graph, OnnxModelInfo.InputName, "input");
        Rename(model.Graph, OnnxModelInfo.PredictionsName, "output0");
        string path = Path.Combine(_dir, file);
        File.WriteAllBytes(path, model.ToByteArray());
        return path;
    }

    static void Rename(GraphProto graph, string from, string to)
    {
        foreach (var value in graph.Input.Concat(graph.Output).Where(v => v.Name == from)) value.Name = to;
        foreach (var node in graph.Node)
        {
            for (int i = 0; i < node.Input.Count; i++) if (node.Input[i] == from) node.Input[i] = to;
            for (int i = 0; i < node.Output.Count; i++) if (node.Output[i] == from) node.Output[i] = to;
        }
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
        string onnxFile = ExportDemo("demo.onnx", dynamic: true);

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
    public void AGraphExportedForOneSideRefusesAnotherAtLoad()
    {
        string fixedSize = ExportDemo("fixed.onnx", dynamic: false);
        using (var detector = Detector.Load(fixedSize))
        {
            int side = detector.ImageSize;
            var e = Assert.Throws<ArgumentException>(() => Detector.Load(fixedSize, imageSize: side + 32));
            Assert.Equal($"{fixedSize} takes {side}x{side} inputs only (exported without --dynamic); {side + 32}x{side + 32} was asked.", e.Message);
        }
        using var dynamic = Detector.Load(ExportDemo("dynamic.onnx", dynamic: true), imageSize: 128);
        Assert.Equal(128, dynamic.ImageSize);
    }

    [Fact]
    public void AFileThatIsNotOnnxIsNamedInOneLine()
    {
        string bogus = Path.Combine(_dir, "bogus.onnx");
        File.WriteAllText(bogus, "not a model\n");
        var e = Assert.Throws<InvalidDataException>(() => Detector.Load(bogus));
        Assert.Equal($"{bogus} is not an ONNX file.", e.Message);
    }

    [Fact]
    public void AGraphExportedElsewhereRunsWithTheClassesTheUserNames()
    {
        using var ours = Detector.Load(Detector.DemoName, new BackendOptions { Kind = BackendKind.Onnx });
        string foreign = ForeignDemoGraph("foreign.onnx");
        using var detector = Detector.Load(foreign, new BackendOptions { ClassNames = ours.ClassNames });
        Assert.Equal(ours.ClassNames, detector.ClassNames);
        Assert.Equal(ours.ImageSize, detector.ImageSize);
        Assert.Equal(ForeignGraph.DefaultScoreThreshold, detector.Info.ScoreThreshold);
        for (int seed = 7; seed <= 8; seed++)
        {
            using var image = Shapes(seed);
            var expected = ours.Detect(image, DetectOptions.Default);
            Assert.NotEmpty(expected);
            AssertSameDetections(expected, detector.Detect(image, DetectOptions.Default));
        }
    }

    [Fact]
    public void AForeignGraphThatDoesNotFitTheClassesOrTheLayoutIsOneLine()
    {
        string foreign = ForeignDemoGraph("foreign.onnx");
        var e = Assert.Throws<InvalidDataException>(() => Detector.Load(foreign));
        Assert.EndsWith("--classes NAMES runs a YOLO-format graph (N, K, 5 + classes) without it.", e.Message);

        e = Assert.Throws<InvalidDataException>(() => Detector.Load(foreign, new BackendOptions { ClassNames = ["a", "b"] }));
        Assert.Equal($"{foreign}: its output 'output0' has 11 values per prediction; 2 classes need 7 "
            + "(cx, cy, w, h, objectness, one probability per class).", e.Message);

        string dynamic = ForeignDemoGraph("dynamic.onnx", dynamic: true);
        e = Assert.Throws<InvalidDataException>(() => Detector.Load(dynamic, new BackendOptions { ClassNames = ["a"] }));
        Assert.Equal($"{dynamic}: its input 'input' is (?, 3, ?, ?); a graph without ParNet Detect metadata needs a fixed height and width.",
            e.Message);

        string ours = ExportDemo("ours.onnx", dynamic: false);
        var names = Assert.Throws<ArgumentException>(() => Detector.Load(ours, new BackendOptions { ClassNames = ["a"] }));
        Assert.Equal($"{ours} names its own classes (ParNet Detect metadata); --classes is for graphs without it.", names.Message);
        names = Assert.Throws<ArgumentException>(() => Detector.Load(Detector.DemoName, new BackendOptions { ClassNames = ["a"] }));
        Assert.EndsWith("names its own classes; --classes is for ONNX graphs exported elsewhere.", names.Message);
    }
}
