using ParNetDetect.DetectionHead;
using static TorchSharp.torch;

namespace ParNetDetect.Onnx.Tests;

/// <summary>The graph's NonMaxSuppression output agrees with the C# <see cref="Nms"/> (multi-label, class-aware) run
/// on the graph's own predictions.</summary>
public sealed class NmsGraphTests : TorchTest
{
    [Theory]
    [InlineData(false, 1)]
    [InlineData(true, 2)]
    public void DetectionsMatchTheCSharpNms(bool dynamic, int batch)
    {
        using var model = TestModels.Fused("parnet-n-yolo", classes: 3, seed: 13);
        var options = new OnnxExportOptions
        {
            ImageSize = 96, Dynamic = dynamic, BatchSize = batch, Nms = true, ScoreThreshold = 0.05f, NmsIouThreshold = 0.5f,
            NmsMaxPerClass = 10_000,
        };
        var export = OnnxExporter.Export(model, TestModels.Info(model), options);
        using var scope = NewDisposeScope();
        var images = TestModels.Images(batch, 96, 96, seed: 4);
        var outputs = OrtRunner.Run(export.ToBytes(), images, OnnxModelInfo.PredictionsName, OnnxModelInfo.DetectionsName);
        var (predictions, detections) = (outputs[0], outputs[1]);
        Assert.Equal(7, detections.shape[1]);

        var expected = Nms.Run(predictions, new DetectOptions
        {
            ConfidenceThreshold = 0.05f, IouThreshold = 0.5f, MultiLabel = true, MaxDetections = 10_000, MaxCandidates = 100_000,
        });
        Assert.True(expected.Sum(d => d.Count) > 5, "too few detections to compare; pick another seed");
        var rows = detections.data<float>().ToArray();
        for (int image = 0; image < batch; image++)
        {
            var actual = Enumerable.Range(0, (int)detections.shape[0]).Select(i => rows.AsSpan(7 * i, 7).ToArray())
                .Where(r => (int)r[0] == image)
                .Select(r => new Detection(r[1], r[2], r[3], r[4], r[5], (int)r[6]))
                .OrderBy(d => d.ClassIndex).ThenByDescending(d => d.Score).ToList();
            var wanted = expected[image].OrderBy(d => d.ClassIndex).ThenByDescending(d => d.Score).ToList();
            Assert.Equal(wanted.Count, actual.Count);
            foreach (var (w, a) in wanted.Zip(actual))
            {
                Assert.Equal(w.ClassIndex, a.ClassIndex);
                Assert.Equal(w.Score, a.Score, 1e-6f);
                foreach (var (x, y) in new[] { (w.X1, a.X1), (w.Y1, a.Y1), (w.X2, a.X2), (w.Y2, a.Y2) }) Assert.Equal(x, y, 1e-3f);
            }
        }
    }
}
