using TorchSharp;
using static TorchSharp.torch;

namespace ParNetDetect.DetectionHead;

/// <summary>
/// Class-aware greedy non-maximum suppression over decoded predictions. Thresholding and the candidate ranking run
/// on tensors; the greedy pass runs on plain arrays and stops as soon as MaxDetections boxes are kept, so its cost is
/// at most candidates x MaxDetections IoUs even for an untrained model that scores everything.
/// </summary>
public static class Nms
{
    /// <summary>
    /// predictions: (N, K, 5 + nc) from <see cref="PredictionDecoder.Decode"/> (cx, cy, w, h, objectness, class
    /// probabilities). Returns, per image, detections in the same pixel space, best first. Score = objectness x
    /// class probability; a detection's score beats its class's minimum (the options' per-class thresholds when
    /// given), which is the one place those thresholds are applied.
    /// </summary>
    public static IReadOnlyList<Detection>[] Run(Tensor predictions, DetectOptions options)
    {
        options.Validate();
        if (predictions.dim() != 3 || predictions.shape[2] < 6)
            throw new ArgumentException($"predictions must be (N, K, 5 + nc); got ({string.Join(", ", predictions.shape)}).");
        if (options.ClassConfidenceThresholds is { } t && t.Count != predictions.shape[2] - 5)
            throw new ArgumentException($"{t.Count} class thresholds for predictions of {predictions.shape[2] - 5} classes.");
        var results = new IReadOnlyList<Detection>[predictions.shape[0]];
        for (int i = 0; i < results.Length; i++)
            results[i] = RunImage(predictions[i], options);
        return results;
    }

    static List<Detection> RunImage(Tensor p, DetectOptions o)
    {
        using var scope = NewDisposeScope();
        p = p.detach().to(float32).cpu();
        p = p[p[.., 4] > o.LowestConfidenceThreshold];             // (k, 5 + nc): objectness bounds the score
        if (p.shape[0] == 0) return [];
        var boxes = Boxes.XywhToXyxy(p[.., ..4]);
        var scores = p[.., 5..] * p[.., 4..5];                     // (k, nc)
        // (k, nc): whether each class's score beats that class's minimum.
        var passes = o.ClassConfidenceThresholds is { } perClass ? scores > tensor(perClass.ToArray()) : scores > o.ConfidenceThreshold;
        Tensor score, cls;
        if (o.MultiLabel)
        {
            var pairs = passes.nonzero();                          // (m, 2): box, class
            var box = pairs[.., 0];
            cls = pairs[.., 1];
            score = scores[box, cls];
            boxes = boxes[box];
        }
        else
        {
            (score, cls) = scores.max(1);
            var keep = passes.gather(1, cls.unsqueeze(1)).squeeze(1); // the best class beats its own minimum
            (score, cls, boxes) = (score[keep], cls[keep], boxes[keep]);
        }
        long m = score.shape[0];
        if (m == 0) return [];
        var order = score.argsort(descending: true);
        if (m > o.MaxCandidates) order = order[..o.MaxCandidates];

        float[] b = boxes[order].contiguous().data<float>().ToArray();
        float[] s = score[order].contiguous().data<float>().ToArray();
        int[] c = cls[order].to(int32).contiguous().data<int>().ToArray();
        var kept = Greedy(b, c, o.IouThreshold, o.MaxDetections, o.ClassAgnostic);
        var result = new List<Detection>(kept.Count);
        foreach (int k in kept)
            result.Add(new Detection(b[4 * k], b[4 * k + 1], b[4 * k + 2], b[4 * k + 3], s[k], c[k]));
        return result;
    }

    /// <summary>
    /// Greedy NMS over candidates already sorted best first: boxes (x1, y1, x2, y2) packed 4 per candidate.
    /// A candidate is kept unless a kept box of the same class (any class when agnostic) overlaps it by more than
    /// <paramref name="iouThreshold"/>. Returns the kept candidate indices in order, at most <paramref name="maxKeep"/>.
    /// </summary>
    public static List<int> Greedy(ReadOnlySpan<float> boxes, ReadOnlySpan<int> classes, float iouThreshold,
        int maxKeep, bool classAgnostic = false)
    {
        if (boxes.Length != 4 * classes.Length)
            throw new ArgumentException($"{boxes.Length} box values for {classes.Length} classes.");
        var kept = new List<int>(Math.Min(maxKeep, classes.Length));
        for (int i = 0; i < classes.Length && kept.Count < maxKeep; i++)
        {
            bool suppressed = false;
            foreach (int k in kept)
            {
                if (!classAgnostic && classes[k] != classes[i]) continue;
                if (Boxes.Iou(boxes[4 * i], boxes[4 * i + 1], boxes[4 * i + 2], boxes[4 * i + 3],
                        boxes[4 * k], boxes[4 * k + 1], boxes[4 * k + 2], boxes[4 * k + 3]) > iouThreshold)
                {
                    suppressed = true;
                    break;
                }
            }
            if (!suppressed) kept.Add(i);
        }
        return kept;
    }
}
