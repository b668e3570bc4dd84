using System.Text.Json;
using ParNetDetect.Data;
using ParNetDetect.DetectionHead;
using ParNetDetect.Inference;
using ParNetDetect.Onnx;

namespace ParNetDetect.Cli.Tests;

/// <summary>`detect val --calibrate`: thresholds from data into the checkpoint, used by predict, carried by export.</summary>
public sealed class CalibrationTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("detect-calibration-").FullName;
    readonly string _data, _weights;

    public CalibrationTests()
    {
        _data = Path.Combine(_dir, "shapes");
        SyntheticDatasetWriter.Write(_data, new SyntheticDatasetOptions { TrainImages = 1, ValImages = 10, ImageSize = 320, Seed = 21 });
        _weights = Path.Combine(_dir, "demo.ckpt");
        File.Copy(Detector.ResolveWeights(Detector.DemoName), _weights);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void CalibratedThresholdsGoIntoTheCheckpointAndFromThereIntoPredictAndExport()
    {
        string metrics = Path.Combine(_dir, "metrics.json");
        var val = DetectProcess.Run("val", "--data", _data, "--weights", _weights, "--calibrate", "--img", "256", "--workers", "1", "--json", metrics);
        Assert.True(val.Code == 0, val.ToString());
        Assert.Contains($"calibrated: wrote the score thresholds that maximise F1 at IoU 0.50 into {_weights}", val.Out);
        Assert.Contains("IoU 0.45", val.Out); // NMS as predict runs it

        // The checkpoint holds the metrics' best-F1 thresholds: per class, or the overall one for a class without, and
        // the side they were found at, where the model now runs.
        var info = Checkpoint.Load(_weights).Info;
        Assert.Equal(256, info.CalibratedImageSize);
        using (var json = JsonDocument.Parse(File.ReadAllText(metrics)))
        {
            double overall = json.RootElement.GetProperty("best_f1").GetProperty("threshold").GetDouble();
            Assert.Equal((float)overall, info.ScoreThreshold);
            var perCategory = json.RootElement.GetProperty("per_category").EnumerateArray().ToList();
            Assert.Equal(perCategory.Select(c => (float)(c.GetProperty("best_f1") is { ValueKind: JsonValueKind.Object } b
                ? b.GetProperty("threshold").GetDouble() : overall)), info.ClassScoreThresholds!);
        }

        var predict = DetectProcess.Run("predict", "--weights", _weights, "--source", Path.Combine(_data, "val", "images", "000000.jpg"), "--no-save");
        Assert.True(predict.Code == 0, predict.ToString());
        Assert.Contains($"scores: the model's thresholds, circle {info.ScoreThresholdFor(0).ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)}", predict.Out);
        Assert.Contains("6 classes, 256 px", predict.Out);
        Assert.EndsWith(" at 256 px", predict.Out.Split('\n').Single(l => l.StartsWith("scores:", StringComparison.Ordinal)).TrimEnd());
        var elsewhere = DetectProcess.Run("predict", "--weights", _weights, "--source", Path.Combine(_data, "val", "images", "000000.jpg"),
            "--no-save", "--img", "320");
        Assert.True(elsewhere.Code == 0, elsewhere.ToString());
        Assert.Contains("6 classes, 320 px", elsewhere.Out);

        string onnx = Path.Combine(_dir, "demo.onnx");
        var export = DetectProcess.Run("export", "--weights", _weights, "--out", onnx);
        Assert.True(export.Code == 0, export.ToString());
        var metadata = OnnxModelInfo.Read(onnx);
        Assert.Equal((256, 256), (metadata.InputHeight, metadata.InputWidth));
        Assert.Equal(info.ScoreThreshold, metadata.ScoreThreshold);
        Assert.Equal(info.ClassScoreThresholds!, metadata.ClassScoreThresholds!);

        // An exported graph is not calibrated in place.
        byte[] before = File.ReadAllBytes(onnx);
        var refused = DetectProcess.Run("val", "--data", _data, "--weights", onnx, "--calibrate");
        Assert.Equal(2, refused.Code);
        Assert.Contains("run `detect export` again", refused.Err);
        Assert.Equal(before, File.ReadAllBytes(onnx));
    }

    [Fact]
    public void CalibratingAShardOrTheBundledModelIsRefused()
    {
        var shard = DetectProcess.Run("val", "--data", _data, "--weights", _weights, "--calibrate", "--shard", "1/2", "--save-json", Path.Combine(_dir, "part.json"));
        Assert.Equal(2, shard.Code);
        Assert.Contains("--calibrate needs the whole split", shard.Err);
        var demo = DetectProcess.Run("val", "--data", _data, "--weights", "demo", "--calibrate");
        Assert.Equal(2, demo.Code);
        Assert.Contains("give the checkpoint's path", demo.Err);
    }
}
