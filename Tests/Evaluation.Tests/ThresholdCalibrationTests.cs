using CocoEval;
using ParNetDetect.DetectionHead;

namespace ParNetDetect.Evaluation.Tests;

public sealed class ThresholdCalibrationTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("calibration-tests-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Category 10 ("a", class 1): a hit at 0.9 and a miss at 0.3. Category 20 ("b", class 0): only a miss.</summary>
    static CocoEvalResult Evaluated()
    {
        var gt = new CocoGroundTruth([new CocoImage(1)], [new CocoCategory(10, "a"), new CocoCategory(20, "b")],
        [
            new CocoAnnotation(1, 1, 10, new CocoBox(0, 0, 10, 10), 100),
            new CocoAnnotation(2, 1, 20, new CocoBox(50, 50, 10, 10), 100),
        ]);
        return new CocoEvaluator().Evaluate(gt,
        [
            new CocoDetection(1, 10, new CocoBox(0, 0, 10, 10), 0.9),
            new CocoDetection(1, 10, new CocoBox(30, 30, 10, 10), 0.3),
            new CocoDetection(1, 20, new CocoBox(20, 0, 10, 10), 0.5),
        ]);
    }

    [Fact]
    public void EachClassGetsItsBestF1ThresholdAndAClassWithoutAHitTheOverallOne()
    {
        // Classes in the model's order: 0 = category 20, 1 = category 10.
        var thresholds = ThresholdCalibration.From(Evaluated(), 2, c => c == 0 ? 20 : 10, imageSize: 96);
        // Pooled: 0.9 hit, 0.5 miss, 0.3 miss of 2 GT: the best keeps the hit alone, halfway to 0.5.
        Assert.Equal(0.7f, thresholds.Overall, 6);
        Assert.Equal(0.7f, thresholds.PerClass[0], 6);   // category 20 has no hit: the overall threshold
        Assert.Equal(0.6f, thresholds.PerClass[1], 6);   // category 10: halfway between 0.9 and 0.3
        Assert.Equal(96, thresholds.ImageSize);
    }

    [Fact]
    public void NothingMatchedIsNothingToCalibrateOn()
    {
        var gt = new CocoGroundTruth([new CocoImage(1)], [new CocoCategory(1, "a")], [new CocoAnnotation(1, 1, 1, new CocoBox(0, 0, 10, 10), 100)]);
        var result = new CocoEvaluator().Evaluate(gt, [new CocoDetection(1, 1, new CocoBox(40, 40, 10, 10), 0.9)]);
        Assert.Throws<InvalidDataException>(() => ThresholdCalibration.From(result, 1, _ => 1, imageSize: 64));
    }

    [Fact]
    public void WritingChangesTheHeaderOnlyRecordsTheSideAndRefusesOnnxFilesAndTheDemo()
    {
        string path = Path.Combine(_dir, "m.ckpt");
        var checkpoint = new Checkpoint(new CheckpointInfo { Model = "parnet-n-yolo", ClassNames = ["b", "a"], CategoryIds = [20, 10], ImageSize = 64 });
        checkpoint.Sections[Checkpoint.ModelSection] = [1, 2, 3];
        checkpoint.Save(path);

        Assert.Equal(64, checkpoint.Info.InferenceImageSize); // not calibrated: its trained size
        var header = ThresholdCalibration.Write(path, new CalibratedThresholds(0.7f, [0.7f, 0.6f], ImageSize: 96));
        Assert.Equal("b 0.7, a 0.6 (overall 0.7) at 96 px", header.DescribeScoreThresholds());
        var written = Checkpoint.Load(path);
        Assert.Equal((0.7f, 0.6f), (written.Info.ScoreThreshold, written.Info.ScoreThresholdFor(1)));
        // The thresholds hold at the side they were found at, so the model now runs there.
        Assert.Equal((96, 96, 64), (written.Info.CalibratedImageSize, written.Info.InferenceImageSize, written.Info.ImageSize));
        Assert.Equal([1, 2, 3], written.Sections[Checkpoint.ModelSection]);
        Assert.Equal(["b", "a"], written.Info.ClassNames);

        var onnx = Assert.Throws<ArgumentException>(() => ThresholdCalibration.CheckWritable(Path.Combine(_dir, "m.onnx")));
        Assert.Contains("detect export", onnx.Message);
        Assert.Throws<ArgumentException>(() => ThresholdCalibration.CheckWritable("demo"));
        ThresholdCalibration.CheckWritable(path);
    }
}
