using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace ParNetDetect.DetectionHead;

/// <summary>Weights of the loss terms (Scaled-YOLOv4 defaults).</summary>
public sealed record LossGains
{
    public float Box { get; init; } = 0.05f;
    public float Objectness { get; init; } = 0.7f;
    public float Class { get; init; } = 0.3f;

    /// <summary>Objectness weight per level, P3 first: small-object levels have many more negatives per image.</summary>
    public float[] LevelObjectness { get; init; } = [4.0f, 1.0f, 0.4f];
}

/// <summary>The loss of one batch: Total (scalar, with gradient) and its parts (detached, already gain-weighted).</summary>
public sealed record LossResult(Tensor Total, float Box, float Objectness, float Class) : IDisposable
{
    public void Dispose() => Total.Dispose();
}

/// <summary>
/// Scaled-YOLOv4 loss. Box: mean(1 - CIoU) over the assigner's positives. Objectness: BCE at every anchor and cell,
/// the target being the positive's CIoU (detached, clamped at 0) and 0 elsewhere, weighted per level. Class: BCE on
/// positives against one-hot targets (skipped for a single class, where objectness says it all). Each part times its
/// gain x 3/levels; the total is multiplied by the batch size, so that the summed gradient of an accumulated nominal
/// batch does not depend on how it was split.
/// </summary>
public sealed class YoloLoss(TargetAssigner assigner, int numClasses, LossGains? gains = null)
{
    public LossGains Gains { get; } = gains ?? new LossGains();
    public int NumClasses { get; } = numClasses;
    public TargetAssigner Assigner { get; } = assigner;

    /// <summary>levels[i]: (N, A, H_i, W_i, 5 + nc) raw head outputs; targets: (M, 6) [image, class, cx, cy, w, h]
    /// normalized to the input.</summary>
    public LossResult Compute(IReadOnlyList<Tensor> levels, Tensor targets)
    {
        int nl = levels.Count;
        if (nl != Gains.LevelObjectness.Length)
            throw new ArgumentException($"{nl} levels but {Gains.LevelObjectness.Length} objectness level weights.");
        foreach (var p in levels)
            if (p.dim() != 5 || p.shape[4] != 5 + NumClasses)
                throw new ArgumentException($"a level output must be (N, A, H, W, {5 + NumClasses}); got ({string.Join(", ", p.shape)}).");
        if (targets.numel() > 0)
        {
            var cls = targets[.., 1];
            if (cls.min().item<float>() < 0 || cls.max().item<float>() >= NumClasses)
                throw new ArgumentException($"a target class is outside 0..{NumClasses - 1}: the dataset's classes do not match the model's.");
        }

        using var scope = NewDisposeScope();
        var device = levels[0].device;
        var assigned = Assigner.Assign(targets.to(device), levels.Select(p => (p.shape[2], p.shape[3])).ToList());
        var box = zeros(1, device: device);
        var obj = zeros(1, device: device);
        var cls_ = zeros(1, device: device);
        for (int i = 0; i < nl; i++)
        {
            var p = levels[i];
            var t = assigned[i];
            var objTarget = zeros(p.shape[0], p.shape[1], p.shape[2], p.shape[3], dtype: p.dtype, device: device);
            if (t.Count > 0)
            {
                var ps = p[t.Image, t.Anchor, t.Row, t.Column];                    // (P, 5 + nc)
                var xy = ps[.., ..2].sigmoid() * 2 - 0.5;
                var wh = (ps[.., 2..4].sigmoid() * 2).square() * t.AnchorSize;
                var ciou = Boxes.Ciou(cat([xy, wh], 1), t.Box);
                box += (1 - ciou).mean();
                objTarget.index_put_(ciou.detach().clamp_min(0).to(p.dtype), t.Image, t.Anchor, t.Row, t.Column);
                if (NumClasses > 1)
                {
                    var oneHot = F.one_hot(t.Class, NumClasses).to(p.dtype);
                    cls_ += F.binary_cross_entropy_with_logits(ps[.., 5..], oneHot);
                }
            }
            obj += F.binary_cross_entropy_with_logits(p[TensorIndex.Ellipsis, 4], objTarget) * Gains.LevelObjectness[i];
        }
        float levelScale = 3.0f / nl;
        box *= Gains.Box * levelScale;
        obj *= Gains.Objectness * levelScale;
        cls_ *= Gains.Class * levelScale;
        long batch = levels[0].shape[0];
        var total = ((box + obj + cls_) * batch).squeeze();
        foreach (var a in assigned) a.Dispose();
        return new LossResult(total.MoveToOuterDisposeScope(), box.item<float>(), obj.item<float>(), cls_.item<float>());
    }
}
