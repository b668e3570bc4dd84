using System.Text.Json;
using CocoEval;
using ParNetDetect.Data;
using ParNetDetect.DetectionHead;
using ParNetDetect.Evaluation;
using ParNetDetect.Inference;
using static TorchSharp.torch;

namespace ParNetDetect.Training.Tests;

/// <summary>
/// End-to-end runs on a tiny synthetic set (8 images of 64 px, generated per test class): the CI smoke test that
/// training learns and writes valid results, and resume exactness. Kept to a few CPU seconds each.
/// </summary>
public sealed class TrainingRunTests : TorchTest, IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("training-tests-").FullName;
    readonly string _data;

    public TrainingRunTests()
    {
        _data = Path.Combine(_dir, "synth");
        SyntheticDatasetWriter.Write(_data, new SyntheticDatasetOptions
        {
            TrainImages = 8, ValImages = 4, ImageSize = 64, Seed = 3, MinObjects = 1, MaxObjects = 2,
        });
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    TrainOptions Tiny(string name, int epochs = 6) => new()
    {
        Data = _data, Model = "parnet-n-yolo", Epochs = epochs, ImageSize = 64, BatchSize = 4, NominalBatchSize = 4,
        OutDir = Path.Combine(_dir, name), Workers = 1, Augment = false, WarmupEpochs = 0, Lr0 = 0.01, ValEvery = 0,
    };

    static TrainOutcome Train(TrainOptions o, CancellationToken cancel = default)
    {
        using var run = TrainingRun.Start(o, TextWriter.Null, interactive: false);
        return run.Run(cancel);
    }

    [Fact]
    public void AFewIterationsLowerTheLossAndWriteValidResults()
    {
        var o = Tiny("smoke") with { ValEvery = 6, ValSplit = "val" };
        var outcome = Train(o);
        Assert.True(outcome.Completed);
        var rows = ResultsCsv.Read(outcome.RunDir);
        Assert.Equal(6, rows.Count);
        double first = double.Parse(rows[0]["train_total"]), last = double.Parse(rows[^1]["train_total"]);
        Assert.True(last < 0.9 * first, $"loss {first} -> {last}");
        Assert.NotEqual("", rows[^1]["val_map50"]);
        foreach (var png in new[] { "losses.png", "map.png", "pr_curve.png" })
            Assert.True(new FileInfo(Path.Combine(outcome.RunDir, png)).Length > 1000, png);

        // The saved model predicts and its detections round-trip through a COCO results file into coco-eval.
        using var detector = Detector.Load(Path.Combine(outcome.RunDir, TrainingRun.BestFile));
        var val = DetectionDatasets.Open(_data, "val");
        var validator = new Validator(val, 64, 4, 1);
        var pass = validator.Detect(detector.Backend, DetectOptions.Evaluation);
        Assert.NotEmpty(pass.Detections);
        string json = Path.Combine(_dir, "results.json");
        CocoResultsFile.Save(json, pass.Detections);
        using (var doc = JsonDocument.Parse(File.ReadAllText(json)))
        {
            var first0 = doc.RootElement[0];
            Assert.Equal(4, first0.GetProperty("bbox").GetArrayLength());
            Assert.InRange(first0.GetProperty("category_id").GetInt32(), 1, 6);
        }
        var loaded = CocoResultsFile.Load(json, validator.GroundTruth);
        Assert.Equal(pass.Detections, loaded); // val's numbers are its results file's numbers
        var result = validator.Evaluate(loaded);
        Assert.Equal(12, result.Stats.Count);
        Assert.InRange(result.Stats[1], 0, 1);
    }

    [Fact]
    public void InterruptedAndResumedRunEndsWhereAnUninterruptedOneDoes()
    {
        var straight = Train(Tiny("straight", epochs: 2));
        Assert.True(straight.Completed);

        using (var cancel = new CancellationTokenSource())
        {
            cancel.Cancel();   // as if Ctrl-C came during the first step: stops right after it
            var stopped = Train(Tiny("resumed", epochs: 2), cancel.Token);
            Assert.False(stopped.Completed);
        }
        string last = Path.Combine(_dir, "resumed", TrainingRun.LastFile);
        var state = TrainingCheckpoint.GetState(Checkpoint.Load(last), last);
        Assert.Equal((0, 1), (state.Epoch, state.Batch));
        using (var run = TrainingRun.Resume(Path.Combine(_dir, "resumed"), TextWriter.Null, false))
            Assert.True(run.Run().Completed);

        foreach (var section in new[] { TrainingCheckpoint.RawSection, Checkpoint.ModelSection })
        {
            using var a = Weights(Path.Combine(_dir, "straight", TrainingRun.LastFile), section);
            using var b = Weights(Path.Combine(_dir, "resumed", TrainingRun.LastFile), section);
            float diff = (a - b).abs().max().item<float>();
            Assert.True(diff < 1e-5f, $"{section}: max difference {diff}");
        }
    }

    [Fact]
    public void StartingOverAnExistingRunNeedsAnExplicitFlag()
    {
        var o = Tiny("twice", epochs: 1);
        Train(o);
        var e = Assert.Throws<ParNetDetect.FileSafety.OutputRefusedException>(() => TrainingRun.Start(o, TextWriter.Null, false));
        Assert.Contains("--resume", e.Message);
        Assert.Contains("--force", e.Message);
    }

    [Fact]
    public void DivergenceStopsWithACheckpointAndNamesTheBatch()
    {
        var o = Tiny("nan", epochs: 3) with { Lr0 = 1e12, GradientClip = 0 };
        var e = Assert.Throws<TrainingDivergedException>(() => Train(o));
        Assert.Contains("batch", e.Message);
        Assert.True(File.Exists(Path.Combine(_dir, "nan", TrainingRun.LastFile)));
    }

    /// <summary>Every tensor of a checkpoint section, flattened into one vector.</summary>
    static Tensor Weights(string path, string section)
    {
        var c = Checkpoint.Load(path);
        using var model = YoloDetector.Create(c.Info.Model, c.Info.ClassNames.Count);
        c.LoadInto(section, model, path);
        return cat(model.state_dict().Values.Where(t => t.is_floating_point()).Select(t => t.flatten()).ToList(), 0);
    }
}
