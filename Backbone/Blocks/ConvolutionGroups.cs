using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ParNetDetect.Backbone.Blocks;

/// <summary>
/// Grouped layers computed one group at a time, each as a dense layer on that group's channels. libtorch 2.10's
/// grouped convolutions return wrong outputs for some widths on some CPUs (channels-last, oneDNN; README, platform
/// notes), so ParNet never calls one: the modules keep their grouped parameters (the state dict is unchanged) and
/// the group's rows of each per-output-channel tensor are taken as views.
/// </summary>
static class ConvolutionGroups
{
    /// <summary>Group <paramref name="group"/>'s rows of a per-output-channel tensor: (Cout, ...) -> (Cout/groups, ...), a view.</summary>
    public static Tensor Rows(Tensor perOutputChannel, int group, long groups)
    {
        long size = perOutputChannel.shape[0] / groups;
        return perOutputChannel.narrow(0, group * size, size);
    }

    /// <summary>One group of a convolution: x (N, Cin/groups, H, W), that group's inputs -> (N, Cout/groups, H', W').</summary>
    public static Tensor Conv2d(Conv2d conv, Tensor x, int group)
    {
        if (conv.groups == 1) return conv.forward(x);
        using var weight = Rows(conv.weight, group, conv.groups);
        using var bias = conv.bias is null ? null : Rows(conv.bias, group, conv.groups);
        return nn.functional.conv2d(x, weight, bias, conv.stride, conv.padding, conv.dilation);
    }

    /// <summary>
    /// The BatchNorm after group <paramref name="group"/> of a <paramref name="groups"/>-group convolution, on that
    /// group's channels: training mode updates exactly those channels' running statistics (the narrowed buffers are
    /// views). y: (N, C/groups, H, W) -> same.
    /// </summary>
    public static Tensor BatchNorm(BatchNorm2d bn, Tensor y, int group, long groups)
    {
        if (groups == 1) return bn.forward(y);
        // As BatchNorm2d.forward: count the batch (once, on the first group), average by momentum or cumulatively.
        double factor = bn.momentum ?? 0.0;
        if (bn.training && bn.num_batches_tracked is not null)
        {
            if (group == 0) bn.num_batches_tracked.add_(1);
            factor = bn.momentum ?? 1.0 / bn.num_batches_tracked.item<long>();
        }
        using var mean = bn.running_mean is null ? null : Rows(bn.running_mean, group, groups);
        using var variance = bn.running_var is null ? null : Rows(bn.running_var, group, groups);
        using var weight = bn.weight is null ? null : Rows(bn.weight, group, groups);
        using var bias = bn.bias is null ? null : Rows(bn.bias, group, groups);
        return nn.functional.batch_norm(y, mean, variance, weight, bias, bn.training, factor, bn.eps);
    }

    /// <summary>
    /// One group of a bias-free 1x1 conv applied to a globally pooled input, as the matrix product it is: pooled
    /// (N, Cin/groups, 1, 1) -> (N, Cout/groups, 1, 1). A conv call on a 1x1 map falls outside oneDNN's heuristic
    /// into libtorch's native path, which is slower and probes NNPACK on every call.
    /// </summary>
    public static Tensor PooledLinear(Conv2d conv, Tensor pooled, int group)
    {
        using var rows = Rows(conv.weight, group, conv.groups);
        using var matrix = rows.flatten(1);
        using var flat = pooled.flatten(1);
        using var product = nn.functional.linear(flat, matrix);
        return product.view(product.shape[0], product.shape[1], 1, 1);
    }
}
