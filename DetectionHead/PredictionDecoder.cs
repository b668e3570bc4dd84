using TorchSharp;
using static TorchSharp.torch;

namespace ParNetDetect.DetectionHead;

/// <summary>
/// Turns the head's raw per-level outputs into boxes: xy = (2 sigmoid(t) - 0.5 + grid) * stride,
/// wh = (2 sigmoid(t))^2 * anchor, objectness and class scores through a sigmoid. The bounded wh form (at most 4x
/// the anchor) is Scaled-YOLOv4's and matches the assigner's 4.0 ratio rule.
/// </summary>
public static class PredictionDecoder
{
    /// <summary>
    /// levels[i]: (N, A, H_i, W_i, 5 + nc) raw -> (N, sum A*H_i*W_i, 5 + nc) with cx, cy, w, h in input pixels,
    /// then objectness and per-class probabilities.
    /// </summary>
    public static Tensor Decode(IReadOnlyList<Tensor> levels, Anchors anchors)
    {
        if (levels.Count != anchors.Levels)
            throw new ArgumentException($"{levels.Count} output levels for {anchors.Levels} anchor levels.");
        using var scope = NewDisposeScope();
        var decoded = new Tensor[levels.Count];
        for (int i = 0; i < levels.Count; i++)
        {
            var p = levels[i];
            long n = p.shape[0], a = p.shape[1], h = p.shape[2], w = p.shape[3], o = p.shape[4];
            var y = p.sigmoid();
            var grid = CellGrid(h, w, p.device).to(p.dtype);                           // (1, 1, H, W, 2)
            var anchor = anchors.PixelTensor(i, p.device).to(p.dtype).view(1, a, 1, 1, 2);
            var xy = (y[TensorIndex.Ellipsis, ..2] * 2 - 0.5 + grid) * anchors.Strides[i];
            var wh = (y[TensorIndex.Ellipsis, 2..4] * 2).square() * anchor;
            decoded[i] = cat([xy, wh, y[TensorIndex.Ellipsis, 4..]], -1).view(n, a * h * w, o);
        }
        return cat(decoded, 1).MoveToOuterDisposeScope();
    }

    /// <summary>(1, 1, H, W, 2) holding each cell's (x, y) index.</summary>
    static Tensor CellGrid(long h, long w, Device device)
    {
        var gy = arange(h, device: device).view(h, 1).expand(h, w);
        var gx = arange(w, device: device).view(1, w).expand(h, w);
        return stack([gx, gy], -1).view(1, 1, h, w, 2);
    }
}
