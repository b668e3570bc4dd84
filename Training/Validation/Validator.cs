using System.Diagnostics;
using CocoEval;
using ParNetDetect.Data;
using ParNetDetect.DetectionHead;
using static TorchSharp.torch;

namespace ParNetDetect.Training.Validation;

/// <summary>Detections of one validation pass in COCO terms, and how long it took.</summary>
public sealed record ValidationPass(IReadOnlyList<CocoDetection> Detections, int Images, double Seconds);

/// <summary>
/// Runs a model over a dataset split (letterbox only, deterministic order) and evaluates its detections with
/// coco-eval against the dataset's ground truth. Used by the trainer each epoch (on the EMA model) and by `detect val`.
/// </summary>
public sealed class Validator
{
    readonly IDetectionDataset _dataset;
    readonly DetectionLoaderOptions _loaderOptions;
    CocoGroundTruth? _groundTruth;

    public Validator(IDetectionDataset dataset, int imageSize, int batchSize, int workers)
    {
        _dataset = dataset;
        _loaderOptions = DetectionLoaderOptions.Validation(imageSize, batchSize) with { Workers = workers };
    }

    public IDetectionDataset Dataset => _dataset;

    /// <summary>The dataset's ground truth for coco-eval (built once).</summary>
    public CocoGroundTruth GroundTruth => _groundTruth ??= GroundTruthAdapter.From(_dataset);

    /// <summary>
    /// Detections for every image. <paramref name="predict"/> maps an (N, 3, S, S) batch to decoded predictions
    /// (N, K, 5 + nc) in canvas pixels; <paramref name="progress"/> gets (batches done, batch count).
    /// </summary>
    public ValidationPass Detect(Func<Tensor, Tensor> predict, DetectOptions options, Action<int, int>? progress = null)
    {
        var watch = Stopwatch.StartNew();
        var loader = new DetectionLoader(_dataset, _loaderOptions);
        var detections = new List<CocoDetection>();
        int done = 0, images = 0;
        using var _ = no_grad();
        foreach (var batch in loader.Epoch())
        {
            using (batch)
            using (var scope = NewDisposeScope())
            {
                var perImage = Nms.Run(predict(batch.Images), options);
                for (int i = 0; i < batch.Count; i++)
                {
                    var item = batch.Items[i];
                    images++;
                    if (item.DecodeFailed) continue;
                    foreach (var d in Detector.ToOriginal(perImage[i], item.Letterbox))
                        detections.Add(new CocoDetection(item.ImageId, _dataset.Categories.ToCategoryId(d.ClassIndex),
                            CocoBox.FromCorners(d.X1, d.Y1, d.X2, d.Y2), d.Score));
                }
            }
            progress?.Invoke(++done, loader.BatchCount);
        }
        return new ValidationPass(detections, images, watch.Elapsed.TotalSeconds);
    }

    public CocoEvalResult Evaluate(IReadOnlyList<CocoDetection> detections, bool curves = false) =>
        new CocoEvaluator(new CocoEvalOptions { CollectConfidenceCurves = curves }).Evaluate(GroundTruth, detections);
}
