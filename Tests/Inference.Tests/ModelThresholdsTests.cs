using System.Text;
using System.Text.Json.Nodes;
using ParNetDetect.DetectionHead;
using ParNetDetect.Inference.Backends;
using ParNetDetect.Inference.Export;

namespace ParNetDetect.Inference.Tests;

/// <summary>A model's own score thresholds: where they are kept (checkpoint, ONNX metadata) and how a detector uses them.</summary>
public sealed class ModelThresholdsTests : TorchTest, IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("model-thresholds-tests-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    string Save(IReadOnlyList<float>? classThresholds = null, float overall = 0.25f)
    {
        using var model = YoloDetector.Create("parnet-n-yolo", 2);
        var checkpoint = new Checkpoint(new CheckpointInfo
        {
            Model = "parnet-n-yolo", ClassNames = ["circle", "square"], CategoryIds = [1, 2], ImageSize = 64,
            ScoreThreshold = overall, ClassScoreThresholds = classThresholds,
        });
        checkpoint.PutModule(Checkpoint.ModelSection, model);
        string path = Path.Combine(_dir, "m.ckpt");
        checkpoint.Save(path);
        return path;
    }

    /// <summary>Rewrites a checkpoint's JSON header (the layout: magic, version, header string, then the sections).</summary>
    static void EditHeader(string path, Action<JsonObject> edit)
    {
        byte[] bytes = File.ReadAllBytes(path);
        using var reader = new BinaryReader(new MemoryStream(bytes), Encoding.UTF8);
        byte[] magic = reader.ReadBytes(8);
        int version = reader.ReadInt32();
        var header = JsonNode.Parse(reader.ReadString())!.AsObject();
        byte[] rest = reader.ReadBytes(bytes.Length - (int)reader.BaseStream.Position);
        edit(header);
        using var writer = new BinaryWriter(File.Create(path), Encoding.UTF8);
        writer.Write(magic);
        writer.Write(version);
        writer.Write(header.ToJsonString());
        writer.Write(rest);
    }

    [Fact]
    public void ACheckpointFromBeforeThresholdsUsesTheDefaultForEveryClass()
    {
        string path = Save();
        EditHeader(path, h =>
        {
            Assert.True(h.Remove(nameof(CheckpointInfo.ScoreThreshold)));
            Assert.True(h.Remove(nameof(CheckpointInfo.ClassScoreThresholds)));
        });
        using var detector = Detector.Load(path);
        Assert.Equal(DetectOptions.Default.ConfidenceThreshold, detector.Info.ScoreThreshold);
        Assert.Null(detector.Info.ClassScoreThresholds);
        var options = detector.AtModelThresholds();
        Assert.Equal((DetectOptions.Default.ConfidenceThreshold, null), (options.ConfidenceThreshold, options.ClassConfidenceThresholds));
        Assert.Equal("0.25 for every class (not calibrated)", detector.Info.DescribeScoreThresholds());
    }

    [Fact]
    public void CalibratedThresholdsReachTheDetectionOptionsAndTheOnnxMetadata()
    {
        string path = Save([0.6f, 0.2f], overall: 0.4f);
        using (var detector = Detector.Load(path))
        {
            var options = detector.AtModelThresholds(DetectOptions.Default with { IouThreshold = 0.3f });
            Assert.Equal([0.6f, 0.2f], options.ClassConfidenceThresholds!);
            Assert.Equal((0.4f, 0.3f), (options.ConfidenceThreshold, options.IouThreshold));
            Assert.Equal("circle 0.6, square 0.2 (overall 0.4)", detector.Info.DescribeScoreThresholds());
        }

        // A checkpoint run by ONNX Runtime (exported in memory) keeps them.
        using (var inMemory = Detector.Load(path, new BackendOptions { Kind = BackendKind.Onnx }))
            Assert.Equal([0.6f, 0.2f], inMemory.Info.ClassScoreThresholds!);

        // Exported, the metadata carries them, and the ONNX Runtime backend reads them back.
        string onnx = Path.Combine(_dir, "m.onnx");
        var export = DetectorExport.Export(path, new ExportSettings(), []);
        Assert.Equal(0.4f, export.Info.ScoreThreshold);
        Assert.Equal([0.6f, 0.2f], export.Info.ClassScoreThresholds!);
        export.Save(onnx);
        using var fromOnnx = Detector.Load(onnx);
        Assert.Equal(0.4f, fromOnnx.Info.ScoreThreshold);
        Assert.Equal([0.6f, 0.2f], fromOnnx.Info.ClassScoreThresholds!);
    }

    [Fact]
    public void ThresholdsThatDoNotFitTheClassesAreAClearError()
    {
        string path = Save();
        EditHeader(path, h => h[nameof(CheckpointInfo.ClassScoreThresholds)] = new JsonArray(0.5f));
        var e = Assert.Throws<InvalidDataException>(() => Detector.Load(path));
        Assert.Contains("ClassScoreThresholds are not 2 values in [0, 1]", e.Message);
        EditHeader(path, h => h[nameof(CheckpointInfo.ClassScoreThresholds)] = new JsonArray(0.5f, 1.5f));
        Assert.Throws<InvalidDataException>(() => Detector.Load(path));
        EditHeader(path, h =>
        {
            h[nameof(CheckpointInfo.ScoreThreshold)] = -0.1f;
            h.Remove(nameof(CheckpointInfo.ClassScoreThresholds));
        });
        Assert.Contains("ScoreThreshold -0.1 is not in [0, 1]", Assert.Throws<InvalidDataException>(() => Detector.Load(path)).Message);
    }
}
