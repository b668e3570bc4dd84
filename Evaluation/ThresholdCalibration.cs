using CocoEval;
using ParNetDetect.DetectionHead;
using ParNetDetect.Inference;
using ParNetDetect.Inference.Backends;

namespace ParNetDetect.Evaluation;

/// <summary>
/// `detect val --calibrate`: the score thresholds that maximised F1 at IoU 0.50 on a dataset (coco-eval's
/// <see cref="OperatingPoint"/>s) written into a checkpoint's header, where predict and the service read them
/// (<see cref="Detector.AtModelThresholds"/>). A class without a true positive in the data keeps the overall one.
/// </summary>
public static class ThresholdCalibration
{
    /// <summary>
    /// The detection settings to calibrate under: NMS as predict and the service run it (<see cref="DetectOptions.Default"/>:
    /// best class per box), so the thresholds fit the detections they will filter.
    /// </summary>
    public static DetectOptions Detect => DetectOptions.Default with { ConfidenceThreshold = DetectOptions.Evaluation.ConfidenceThreshold };

    /// <summary>Throws, before any work, when <paramref name="weights"/> cannot take thresholds: an ONNX graph (its
    /// checkpoint is calibrated, then exported again) or the bundled demo model (a build output).</summary>
    public static void CheckWritable(string weights)
    {
        if (weights == Detector.DemoName)
            throw new ArgumentException(
                $"--calibrate writes into the weights: give the checkpoint's path (the bundled one is {Detector.DemoFile}), not {Detector.DemoName}.");
        if (DetectorBackends.IsOnnxFile(weights))
            throw new ArgumentException(
                $"--calibrate does not write {weights} in place: calibrate the checkpoint it was exported from, then run `detect export` again " +
                "(it copies the thresholds into the ONNX metadata).");
    }

    /// <summary>The thresholds in class-index order, found at input side <paramref name="imageSize"/>;
    /// <paramref name="categoryId"/> maps a class index to the evaluated ground truth's category id.</summary>
    public static CalibratedThresholds From(CocoEvalResult result, int classes, Func<int, long> categoryId, int imageSize)
    {
        if (result.BestF1 is not { } overall)
            throw new InvalidDataException("no detection matched the ground truth at IoU 0.50: there is nothing to calibrate on.");
        var byId = result.Categories.ToDictionary(c => c.Id);
        var perClass = Enumerable.Range(0, classes)
            .Select(c => (float)(byId.GetValueOrDefault(categoryId(c))?.BestF1?.Threshold ?? overall.Threshold)).ToArray();
        return new CalibratedThresholds((float)overall.Threshold, perClass, imageSize);
    }

    /// <summary>Rewrites the checkpoint's header with the thresholds and the side they hold at, which becomes the side
    /// the model runs at (the weights stay as they are; atomic); returns the new header.</summary>
    public static CheckpointInfo Write(string checkpointPath, CalibratedThresholds thresholds)
    {
        var checkpoint = Checkpoint.Load(checkpointPath);
        if (thresholds.PerClass.Count != checkpoint.Info.ClassNames.Count)
            throw new ArgumentException($"{thresholds.PerClass.Count} thresholds for the {checkpoint.Info.ClassNames.Count} classes of {checkpointPath}.");
        checkpoint.Info = checkpoint.Info with
        {
            ScoreThreshold = thresholds.Overall,
            ClassScoreThresholds = thresholds.PerClass,
            CalibratedImageSize = thresholds.ImageSize,
        };
        checkpoint.Save(checkpointPath);
        return checkpoint.Info;
    }
}
