using static TorchSharp.torch;

namespace ParNetDetect.Backbone;

/// <summary>
/// The three feature taps the detector reads. For an (N, 3, H, W) input, with ceil division at each stride-2 step:
/// P3 (N, p2, H/8, W/8) = stream 2 output; P4 (N, p3, H/16, W/16) = second fusion block;
/// P5 (N, p4, H/32, W/32) = final downsampling block, in the backbone's memory layout (channels-last by default, see
/// <see cref="ParNetOptions.ChannelsLast"/>). The caller owns (disposes) the tensors.
/// </summary>
public sealed record ParNetFeatures(Tensor P3, Tensor P4, Tensor P5) : IDisposable
{
    public void Dispose()
    {
        P3.Dispose();
        P4.Dispose();
        P5.Dispose();
    }
}

/// <summary>Channel counts of the taps in <see cref="ParNetFeatures"/>.</summary>
public readonly record struct ParNetFeatureChannels(int P3, int P4, int P5);
