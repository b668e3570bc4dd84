using Google.Protobuf;
using Onnx;
using ParNetDetect.DetectionHead;

namespace ParNetDetect.Onnx.Tests;

/// <summary>The metadata an exported file carries, read back, and the one-line errors for files that are not ours.</summary>
public sealed class MetadataTests : TorchTest, IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("onnx-metadata-").FullName;

    string Export(OnnxExportOptions options, string file = "model.onnx", Func<CheckpointInfo, CheckpointInfo>? checkpoint = null)
    {
        using var model = TestModels.Fused("parnet-n-yolo", classes: 2, seed: 5);
        string path = Path.Combine(dir, file);
        var info = TestModels.Info(model) with { ClassNames = ["cat, \"tabby\"", "dog"], CategoryIds = [17, 18], ImageSize = 416 };
        OnnxExporter.Export(model, checkpoint?.Invoke(info) ?? info, options).Save(path);
        return path;
    }

    [Fact]
    public void MetadataRoundTrips()
    {
        string path = Export(new OnnxExportOptions { ImageSize = 64, ScoreThreshold = 0.3f, ClassScoreThresholds = [0.2f, 0.4f] });
        var info = OnnxModelInfo.Read(path);
        Assert.Equal("parnet-n-yolo", info.Model);
        Assert.Equal(["cat, \"tabby\"", "dog"], info.ClassNames);
        Assert.Equal([17, 18], info.CategoryIds);
        Assert.Equal("SiLU", info.Activation);
        Assert.Equal((64, 64, 1, false, 32, 416), (info.InputHeight, info.InputWidth, info.BatchSize, info.DynamicSize, info.SizeDivisor, info.TrainedImageSize));
        Assert.Equal([8, 16, 32], info.Strides);
        Assert.Equal(Anchors.Default.Pixels.Select(l => l.Select(a => new[] { a.W, a.H })), info.Anchors);
        Assert.Equal(0.3f, info.ScoreThreshold);
        Assert.Equal([0.2f, 0.4f], info.ClassScoreThresholds!);
        Assert.Equal(0.4f, info.ScoreThresholdFor(1));
        Assert.Equal("fp32", info.Precision);
        Assert.Equal("", info.Quantization);
        Assert.Null(info.Nms);
        Assert.Equal(OnnxModelInfo.CurrentProjectVersion, info.ProjectVersion);
    }

    [Fact]
    public void DefaultsAreTheDetectOptionsAndDynamicAndNmsAreRecorded()
    {
        var info = OnnxModelInfo.Read(Export(new OnnxExportOptions { ImageSize = 64, Dynamic = true, Nms = true }));
        Assert.Equal(DetectOptions.Default.ConfidenceThreshold, info.ScoreThreshold);
        Assert.Null(info.ClassScoreThresholds);
        Assert.Equal(DetectOptions.Default.ConfidenceThreshold, info.ScoreThresholdFor(0));
        Assert.True(info.DynamicSize);
        Assert.Equal(0, info.BatchSize);
        Assert.Equal(new OnnxNmsInfo(DetectOptions.Default.IouThreshold, DetectOptions.Default.MaxDetections), info.Nms);
    }

    [Fact]
    public void ACalibratedCheckpointsThresholdsAreTheMetadatasUnlessTheOptionsSetThem()
    {
        static CheckpointInfo Calibrated(CheckpointInfo info) => info with { ScoreThreshold = 0.5f, ClassScoreThresholds = [0.6f, 0.35f] };
        var info = OnnxModelInfo.Read(Export(new OnnxExportOptions { ImageSize = 64 }, checkpoint: Calibrated));
        Assert.Equal((0.5f, 0.35f), (info.ScoreThreshold, info.ScoreThresholdFor(1)));
        Assert.Equal([0.6f, 0.35f], info.ClassScoreThresholds!);

        var overridden = OnnxModelInfo.Read(Export(new OnnxExportOptions { ImageSize = 64, ScoreThreshold = 0.3f }, "set.onnx", Calibrated));
        Assert.Equal((0.3f, 0.6f), (overridden.ScoreThreshold, overridden.ScoreThresholdFor(0)));
    }

    [Fact]
    public void AFileThatIsNotOnnxIsOneLine()
    {
        string text = Path.Combine(dir, "notes.onnx");
        File.WriteAllText(text, "these are not the weights you are looking for\n");
        string checkpoint = Path.Combine(dir, "model.ckpt");
        new Checkpoint(TestModels.Info(YoloDetector.Create("parnet-n-yolo", 1))).Save(checkpoint);
        string empty = Path.Combine(dir, "empty.onnx");
        File.WriteAllBytes(empty, []);
        foreach (var path in new[] { text, checkpoint, empty })
        {
            var e = Assert.Throws<InvalidDataException>(() => OnnxModelInfo.Read(path));
            Assert.Equal($"{path} is not an ONNX file.", e.Message);
        }
        Assert.Throws<FileNotFoundException>(() => OnnxModelInfo.Read(Path.Combine(dir, "missing.onnx")));
    }

    [Fact]
    public void AGraphWithoutOurMetadataSaysWhatIsMissing()
    {
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(Export(new OnnxExportOptions { ImageSize = 64 })));
        string foreign = Path.Combine(dir, "foreign.onnx");
        var stripped = model.Clone();
        stripped.MetadataProps.Clear();
        File.WriteAllBytes(foreign, stripped.ToByteArray());
        var e = Assert.Throws<InvalidDataException>(() => OnnxModelInfo.Read(foreign));
        Assert.Equal($"{foreign} is an ONNX graph without ParNet Detect metadata (no 'parnet_detect.format' entry): "
            + "it was not exported by this project; --classes NAMES runs a YOLO-format graph (N, K, 5 + classes) without it.", e.Message);

        string partial = Path.Combine(dir, "partial.onnx");
        var lacking = model.Clone();
        foreach (var key in new[] { "class_names", "anchors" })
            lacking.MetadataProps.Remove(lacking.MetadataProps.Single(p => p.Key == key));
        File.WriteAllBytes(partial, lacking.ToByteArray());
        e = Assert.Throws<InvalidDataException>(() => OnnxModelInfo.Read(partial));
        Assert.Equal($"{partial}: its ParNet Detect metadata lacks class_names, anchors.", e.Message);

        string malformed = Path.Combine(dir, "malformed.onnx");
        var bad = model.Clone();
        bad.MetadataProps.Single(p => p.Key == "strides").Value = "[8, 16,";
        File.WriteAllBytes(malformed, bad.ToByteArray());
        e = Assert.Throws<InvalidDataException>(() => OnnxModelInfo.Read(malformed));
        Assert.StartsWith($"{malformed}: metadata entry 'strides' is malformed", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void AnInputSizeTheFileDoesNotAllowIsOneLine()
    {
        var fixedInfo = OnnxModelInfo.Read(Export(new OnnxExportOptions { ImageSize = 64 }, "fixed.onnx"));
        fixedInfo.CheckInputSize(64, 64, "fixed.onnx");
        var e = Assert.Throws<ArgumentException>(() => fixedInfo.CheckInputSize(640, 640, "fixed.onnx"));
        Assert.Equal("fixed.onnx takes 64x64 inputs only (exported without --dynamic); 640x640 was asked.", e.Message);

        var dynamicInfo = OnnxModelInfo.Read(Export(new OnnxExportOptions { ImageSize = 64, Dynamic = true }, "dynamic.onnx"));
        dynamicInfo.CheckInputSize(352, 224, "dynamic.onnx");
        e = Assert.Throws<ArgumentException>(() => dynamicInfo.CheckInputSize(300, 224, "dynamic.onnx"));
        Assert.Equal("dynamic.onnx takes inputs whose height and width are multiples of 32; 300x224 is not.", e.Message);
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);
}
