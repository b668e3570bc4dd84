using System.Text.Json;
using CocoEval;

namespace ParNetDetect.Cli.Tests;

/// <summary>A rendered video's ground truth scores `detect predict --save-json` on it, frame for frame.</summary>
public sealed class VideoGroundTruthTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("detect-video-truth-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void PredictionsOnASynthVideoScoreAgainstItsGroundTruthByFrameNumber()
    {
        string video = Path.Combine(_dir, "shapes.avi"), truth = Path.Combine(_dir, "shapes.json"), dets = Path.Combine(_dir, "dets.json");
        var synth = DetectProcess.Run("synth", "--video", video, "--frames", "8", "--width", "320", "--height", "240", "--seed", "6");
        Assert.True(synth.Code == 0, synth.ToString());
        Assert.Contains($"ground truth in {truth}", synth.Out);

        var predict = DetectProcess.Run("predict", "--weights", "demo", "--source", video, "--no-save", "--save-json", dets);
        Assert.True(predict.Code == 0, predict.ToString());
        Assert.Contains("scores: the model's thresholds", predict.Out);
        Assert.Contains($"as COCO results to {dets}", predict.Out);

        // Frames count from 1 in both files.
        using (var json = JsonDocument.Parse(File.ReadAllText(dets)))
        {
            var ids = json.RootElement.EnumerateArray().Select(d => d.GetProperty("image_id").GetInt32()).Distinct().Order().ToList();
            Assert.Equal(1, ids[0]);
            Assert.Equal(8, ids[^1]);
        }
        var result = new CocoEvaluator().EvaluateFiles(truth, dets);
        Assert.Equal(8, result.Counts.Images);
        // The demo model finds the video's shapes: a sane AP50 and, at its own thresholds, sane precision and recall
        // (loose bounds: this checks the numbering and the plumbing; bench/detector/video-accuracy.sh measures the model).
        Assert.InRange(result.Stats[1], 0.5, 1);
        Assert.InRange(result.AllDetections!.Precision, 0.3, 1);
        Assert.InRange(result.AllDetections.Recall, 0.3, 1);
    }
}
