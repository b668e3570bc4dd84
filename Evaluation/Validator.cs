using System.Diagnostics;
using CocoEval;
using ParNetDetect.Data;
using ParNetDetect.DetectionHead;
using ParNetDetect.Inference;
using ParNetDetect.Inference.Backends;
using static TorchSharp.torch;

namespace ParNetDetect.Evaluation;

/// <summary>Detections of one validation pass in COCO terms, how long it took, and the data problems skipped
/// (those of reading the dataset and the images that could not be decoded: their ground truth counts as missed).</summary>
public sealed record ValidationPass(IReadOnlyList<CocoDetection> Detections, int Images, double Seconds, DatasetIssues Issues);

/// <summary>
/// Runs a model over a dataset split (letterbox only, deterministic order) and evaluates its detections with
/// coco-eval against the dataset's ground truth. Used by the trainer each epoch (on the EMA model) and by <see cref="BatchEvaluation"/> (`detect val`).
/// With <c>strict</c>, a problem in the data throws instead (at construction for those found while reading).
/// </summary>
public sealed class Validator
{
    readonly IDetectionDataset _dataset;
    readonly DetectionLoader _loader;
    CocoGroundTruth? _groundTruth;

    public Validator(IDetectionDataset dataset, int imageSize, int batchSize, int workers, bool strict = false)
    {
        _dataset = dataset;
        _loader = new DetectionLoader(dataset, DetectionLoaderOptions.Validation(imageSize, batchSize) with
        {
            Workers = workers,
            Strict = strict,
        });
    }

    public IDetectionDataset Dataset => _dataset;

    /// <summary>The data problems met so far: the dataset's and every pass's undecodable images.</summary>
    public DatasetIssues Issues
    {
        get
        {
            var all = new DatasetIssues();
            all.AddFrom(_dataset.Issues);
            all.AddFrom(_loader.Issues);
            return all;
        }
    }

    /// <summary>The dataset's ground truth for coco-eval (built once).</summary>
    public CocoGroundTruth GroundTruth => _groundTruth ??= GroundTruthAdapter.From(_dataset);

    /// <summary>
    /// Detections for every image by <paramref name="backend"/> (a checkpoint's model, or the trainer's live EMA
    /// model); <paramref name="progress"/> gets (batches done, batch count).
    /// </summary>
    public ValidationPass Detect(IDetectorBackend backend, DetectOptions options, Action<int, int>? progress = null)
    {
        var watch = Stopwatch.StartNew();
        var detections = new List<CocoDetection>();
        int done = 0, images = 0;
        using var _ = no_grad();
        foreach (var batch in _loader.Epoch())
        {
            using (batch)
            using (var scope = NewDisposeScope())
            {
                var perImage = Detector.Run(backend, batch.Images, batch.Items.Select(item => item.Letterbox).ToList(), options);
                for (int i = 0; i < batch.Count; i++)
                {
                    var item = batch.Items[i];
                    images++;
                    if (item.DecodeFailed) continue;
                    // At the precision a results file keeps, so these numbers are those of the file `val --save-json`
                    // writes, and a sharded run's merged parts give exactly one process's numbers.
                    detections.AddRange(CocoDetections.Of(perImage[i], item.ImageId, c => _dataset.Categories.ToCategoryId(c))
                        .Select(CocoResultsFile.AsStored));
                }
            }
            progress?.Invoke(++done, _loader.BatchCount);
        }
        return new ValidationPass(detections, images, watch.Elapsed.TotalSeconds, Issues);
    }

    public CocoEvalResult Evaluate(IReadOnlyList<CocoDetection> detections, bool curves = false) =>
        new CocoEvaluator(new CocoEvalOptions { CollectConfidenceCurves = curves }).Evaluate(GroundTruth, detections);
}
