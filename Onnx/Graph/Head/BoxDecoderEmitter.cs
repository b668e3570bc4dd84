using Onnx;
using ParNetDetect.DetectionHead;

namespace ParNetDetect.Onnx.Graph.Head;

/// <summary>
/// <see cref="PredictionDecoder.Decode"/> for one level, on the output conv's logits (N, A (5 + nc), H, W):
/// sigmoid, then per anchor x = 2s y + (gx - 0.5) s, likewise y, wh = y^2 4 anchor, the rest as is, reordered to
/// (N, A H W, 5 + nc) candidates (anchor-major, then row, column, as the TorchSharp model orders them).
/// The decode runs before the transpose, on (N, A, 5 + nc, H W), so each part is a contiguous slice. Fixed-size
/// graphs hold the grid offsets as initializers; dynamic ones compute them from the map's shape (Range, Mod, Div).
/// </summary>
public static class BoxDecoderEmitter
{
    public static string Emit(GraphBuilder g, string logits, Anchors anchors, int level, int outputs, Spatial? size, string scope)
    {
        int a = anchors.PerLevel, stride = anchors.Strides[level];
        var y = g.Sigmoid($"{scope}.sigmoid", logits);
        var flat = g.Reshape($"{scope}.per_anchor", y, g.Int64s($"{scope}.per_anchor.shape", 0, a, outputs, -1));
        var parts = g.Split($"{scope}.parts", flat, 2, 1, 1, 2, outputs - 4);
        var (offsetX, offsetY) = size is { } s ? FixedOffsets(g, s, stride, scope) : DynamicOffsets(g, logits, stride, scope);
        var gain = g.Floats($"{scope}.xy_gain", [2f * stride]);
        var x = g.Add($"{scope}.x", g.Mul($"{scope}.x_scaled", parts[0], gain), offsetX);
        var yc = g.Add($"{scope}.y", g.Mul($"{scope}.y_scaled", parts[1], gain), offsetY);
        var anchorGain = g.Floats($"{scope}.anchor_gain",
            anchors.Pixels[level].SelectMany(p => new[] { 4 * p.W, 4 * p.H }).ToArray(), 1, a, 2, 1);
        var wh = g.Mul($"{scope}.wh", g.Mul($"{scope}.wh_squared", parts[2], parts[2]), anchorGain);
        var decoded = g.Concat($"{scope}.decoded", 2, x, yc, wh, parts[3]);
        var perCandidate = g.Transpose($"{scope}.transpose", decoded, 0, 1, 3, 2);
        return g.Reshape($"{scope}.candidates", perCandidate, g.Int64s($"{scope}.candidates.shape", 0, -1, outputs));
    }

    /// <summary>(H W) offsets (gx - 0.5) s and (gy - 0.5) s in row-major cell order, as initializers.</summary>
    static (string X, string Y) FixedOffsets(GraphBuilder g, Spatial size, int stride, string scope)
    {
        long h = size.Height, w = size.Width;
        var xs = new float[h * w];
        var ys = new float[h * w];
        for (long r = 0; r < h; r++)
            for (long c = 0; c < w; c++)
            {
                xs[r * w + c] = (c - 0.5f) * stride;
                ys[r * w + c] = (r - 0.5f) * stride;
            }
        return (g.Floats($"{scope}.grid_x", xs, h * w), g.Floats($"{scope}.grid_y", ys, h * w));
    }

    /// <summary>The same offsets computed from the logits' shape: cell index i = Range(H W), gx = i mod W, gy = i / W.</summary>
    static (string X, string Y) DynamicOffsets(GraphBuilder g, string logits, int stride, string scope)
    {
        var shape = g.Shape($"{scope}.shape", logits);
        var h = g.Gather($"{scope}.height", shape, g.Int64Scalar($"{scope}.height.index", 2));
        var w = g.Gather($"{scope}.width", shape, g.Int64Scalar($"{scope}.width.index", 3));
        var cells = g.Range($"{scope}.cells", g.Int64Scalar($"{scope}.zero", 0), g.Mul($"{scope}.cell_count", h, w),
            g.Int64Scalar($"{scope}.one", 1));
        var strideF = g.Floats($"{scope}.stride", [(float)stride]);
        var half = g.Floats($"{scope}.half_stride", [-0.5f * stride]);
        string Offset(string name, string index) =>
            g.Add($"{scope}.grid_{name}", g.Mul($"{scope}.grid_{name}.scaled",
                g.Cast($"{scope}.grid_{name}.float", index, TensorProto.Types.DataType.Float), strideF), half);
        return (Offset("x", g.Mod($"{scope}.column", cells, w)), Offset("y", g.Div($"{scope}.row", cells, w)));
    }
}
