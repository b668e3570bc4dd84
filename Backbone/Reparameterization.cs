using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ParNetDetect.Backbone;

/// <summary>
/// Structural reparameterization, in one place: BatchNorm folding and the kernel re-shapings that let the branches
/// of a block be summed into one 3x3 convolution. All functions work on detached tensors and return new ones.
/// </summary>
public static class Reparameterization
{
    /// <summary>
    /// Eval-mode BatchNorm as a per-channel affine y = scale * x + shift:
    /// scale = gamma / sqrt(var + eps), shift = beta - mean * scale. Shapes (C), (C).
    /// </summary>
    public static (Tensor Scale, Tensor Shift) BatchNormAffine(BatchNorm2d bn)
    {
        using var _ = no_grad();
        var mean = bn.running_mean ?? throw new InvalidOperationException("BatchNorm without running stats cannot be folded.");
        var variance = bn.running_var!;
        var scale = bn.weight.detach() / (variance + bn.eps).sqrt();
        var shift = bn.bias!.detach() - mean * scale;
        return (scale, shift);
    }

    /// <summary>Folds BN into the conv before it: W' = W * scale (per output channel), b' = shift.</summary>
    /// <param name="weight">(Cout, Cin/g, k, k) conv weight without bias.</param>
    public static (Tensor Weight, Tensor Bias) FoldBatchNorm(Tensor weight, BatchNorm2d bn)
    {
        using var _ = no_grad();
        var (scale, shift) = BatchNormAffine(bn);
        using (scale)
            return (weight.detach() * scale.reshape(-1, 1, 1, 1), shift);
    }

    /// <summary>A stride-1 1x1 kernel as the centre tap of a 3x3 kernel (padding 1): (Co, Ci, 1, 1) -> (Co, Ci, 3, 3).</summary>
    public static Tensor CentreTo3x3(Tensor kernel1x1) =>
        nn.functional.pad(kernel1x1, [1, 1, 1, 1]);

    /// <summary>
    /// AvgPool(2, 2) followed by a 1x1 conv, as a 3x3 stride-2 kernel (padding 1): output pixel i of the 3x3 conv reads
    /// input rows 2i-1..2i+1 and the pool reads rows 2i..2i+1, so the 1x1 weight / 4 sits at kernel rows and columns
    /// 1..2. (Co, Ci, 1, 1) -> (Co, Ci, 3, 3). Exact at every size because the pool counts the padded row of an odd
    /// size as a zero with divisor 4 (see <see cref="AveragePool2x2"/>).
    /// </summary>
    public static Tensor AvgPoolAnd1x1To3x3Stride2(Tensor kernel1x1)
    {
        using var quarter = kernel1x1 / 4;
        using var spread = quarter.expand(-1, -1, 2, 2);
        return nn.functional.pad(spread, [1, 0, 1, 0]);
    }

    /// <summary>
    /// The 2x2 stride-2 average pool of a downsampling block, defined so that it lines up with a 3x3 stride-2 padding-1
    /// conv at every input size: output size ceil(H/2), and for odd sizes the missing last row/column counts as zero
    /// (divisor always 4), exactly what the zero padding of the 3x3 conv sees. For even sizes it is plain AvgPool2d(2, 2).
    /// x: (N, C, H, W) -> (N, C, ceil(H/2), ceil(W/2)).
    /// </summary>
    public static Tensor AveragePool2x2(Tensor x) =>
        nn.functional.avg_pool2d(x, [2, 2], [2, 2], ceil_mode: true, count_include_pad: true, divisor_override: 4);

    /// <summary>A 3x3 conv (padding 1) with bias holding the given folded weights, on their device and in their dtype.</summary>
    public static Conv2d NewConv3x3(Tensor weight, Tensor bias, int stride, int groups)
    {
        var conv = nn.Conv2d(weight.shape[1] * groups, weight.shape[0], 3, stride: stride, padding: 1, groups: groups,
            bias: true, device: weight.device, dtype: weight.dtype);
        using (no_grad())
        {
            conv.weight.copy_(weight);
            conv.bias!.copy_(bias);
        }
        return conv;
    }

    /// <summary>Output size of a stride-2, 3x3, padding-1 conv (and of <see cref="AveragePool2x2"/>): ceil(n / 2).</summary>
    public static int HalveCeil(int n) => (n + 1) / 2;
}
