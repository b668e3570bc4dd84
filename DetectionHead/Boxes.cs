using TorchSharp;
using static TorchSharp.torch;

namespace ParNetDetect.DetectionHead;

/// <summary>
/// Box arithmetic on tensors whose last dimension holds 4 coordinates: centre form (cx, cy, w, h) or corner form
/// (x1, y1, x2, y2). Every function works on any leading shape and keeps gradients unless it says otherwise.
/// </summary>
public static class Boxes
{
    const double Eps = 1e-7;

    /// <summary>(..., 4) cx,cy,w,h -> (..., 4) x1,y1,x2,y2.</summary>
    public static Tensor XywhToXyxy(Tensor b)
    {
        using var scope = NewDisposeScope();
        var xy = b[TensorIndex.Ellipsis, ..2];
        var half = b[TensorIndex.Ellipsis, 2..4] / 2;
        return cat([xy - half, xy + half], -1).MoveToOuterDisposeScope();
    }

    /// <summary>(..., 4) x1,y1,x2,y2 -> (..., 4) cx,cy,w,h.</summary>
    public static Tensor XyxyToXywh(Tensor b)
    {
        using var scope = NewDisposeScope();
        var p1 = b[TensorIndex.Ellipsis, ..2];
        var p2 = b[TensorIndex.Ellipsis, 2..4];
        return cat([(p1 + p2) / 2, p2 - p1], -1).MoveToOuterDisposeScope();
    }

    /// <summary>Pairwise IoU of corner boxes: (N, 4) x (M, 4) -> (N, M). Empty boxes give 0, not NaN.</summary>
    public static Tensor PairwiseIou(Tensor a, Tensor b)
    {
        using var scope = NewDisposeScope();
        var a1 = a[.., ..2].unsqueeze(1); var a2 = a[.., 2..4].unsqueeze(1);    // (N, 1, 2)
        var b1 = b[.., ..2].unsqueeze(0); var b2 = b[.., 2..4].unsqueeze(0);    // (1, M, 2)
        var inter = (minimum(a2, b2) - maximum(a1, b1)).clamp_min(0).prod(-1);
        var areaA = (a[.., 2..4] - a[.., ..2]).clamp_min(0).prod(-1);
        var areaB = (b[.., 2..4] - b[.., ..2]).clamp_min(0).prod(-1);
        var union = areaA.unsqueeze(1) + areaB.unsqueeze(0) - inter;
        return (inter / union.clamp_min(Eps)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Complete IoU of matching centre-form boxes, (..., 4) and (..., 4) -> (...):
    /// CIoU = IoU - rho^2/c^2 - alpha*v, rho the centre distance, c the diagonal of the smallest enclosing box,
    /// v = 4/pi^2 (atan(wg/hg) - atan(w/h))^2, alpha = v / (1 - IoU + v) treated as a constant (no gradient), as
    /// in the CIoU paper and Scaled-YOLOv4. Equals IoU for concentric boxes of the same aspect.
    /// </summary>
    public static Tensor Ciou(Tensor pred, Tensor target)
    {
        using var scope = NewDisposeScope();
        var (px, py, pw, ph) = Split(pred);
        var (tx, ty, tw, th) = Split(target);
        var iw = (minimum(px + pw / 2, tx + tw / 2) - maximum(px - pw / 2, tx - tw / 2)).clamp_min(0);
        var ih = (minimum(py + ph / 2, ty + th / 2) - maximum(py - ph / 2, ty - th / 2)).clamp_min(0);
        var inter = iw * ih;
        var union = pw * ph + tw * th - inter + Eps;
        var iou = inter / union;

        var cw = maximum(px + pw / 2, tx + tw / 2) - minimum(px - pw / 2, tx - tw / 2);
        var ch = maximum(py + ph / 2, ty + th / 2) - minimum(py - ph / 2, ty - th / 2);
        var c2 = cw.square() + ch.square() + Eps;
        var rho2 = (px - tx).square() + (py - ty).square();
        var v = (4 / (Math.PI * Math.PI)) * (atan(tw / (th + Eps)) - atan(pw / (ph + Eps))).square();
        Tensor alpha;
        using (no_grad()) alpha = v / (v - iou + (1 + Eps));
        return (iou - (rho2 / c2 + v * alpha)).MoveToOuterDisposeScope();
    }

    static (Tensor X, Tensor Y, Tensor W, Tensor H) Split(Tensor b) =>
        (b[TensorIndex.Ellipsis, 0], b[TensorIndex.Ellipsis, 1], b[TensorIndex.Ellipsis, 2], b[TensorIndex.Ellipsis, 3]);

    /// <summary>IoU of two corner boxes given as numbers (the NMS inner loop).</summary>
    public static float Iou(float ax1, float ay1, float ax2, float ay2, float bx1, float by1, float bx2, float by2)
    {
        float iw = Math.Min(ax2, bx2) - Math.Max(ax1, bx1);
        float ih = Math.Min(ay2, by2) - Math.Max(ay1, by1);
        if (iw <= 0 || ih <= 0) return 0;
        float inter = iw * ih;
        float union = Math.Max(ax2 - ax1, 0) * Math.Max(ay2 - ay1, 0) + Math.Max(bx2 - bx1, 0) * Math.Max(by2 - by1, 0) - inter;
        return union > 0 ? inter / union : 0;
    }
}
