using static TorchSharp.torch;

namespace ParNetDetect.Backbone.Blocks;

/// <summary>
/// ParNet runs its activations channels-last: (N, C, H, W) tensors whose memory is laid out N, H, W, C. oneDNN's CPU
/// convolutions take that layout directly instead of reordering every input and output (docs/benchmarks.md has the
/// measured gain). TorchSharp has no memory_format argument, so the layout is made with permutes.
/// </summary>
static class MemoryFormat
{
    /// <summary>A channels-last copy of x: (N, C, H, W) -> (N, C, H, W) with strides (HWC, 1, WC, C).</summary>
    public static Tensor ToChannelsLast(Tensor x)
    {
        using var last = x.permute(0, 2, 3, 1);
        using var packed = last.contiguous();
        return packed.permute(0, 3, 1, 2);
    }

    /// <summary>(N, H, W, C) -> its (N, C, H, W) view, channels-last if the input is contiguous.</summary>
    public static Tensor FromChannelsLastView(Tensor nhwc)
    {
        using var packed = nhwc.contiguous();
        return packed.permute(0, 3, 1, 2);
    }
}
