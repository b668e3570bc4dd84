using ParNetDetect.Backbone;
using static TorchSharp.torch;

namespace ParNetDetect.DetectionHead.Neck;

/// <summary>The neck's three outputs, P3 first; the caller disposes them.</summary>
public sealed record NeckOutputs(Tensor P3, Tensor P4, Tensor P5) : IDisposable
{
    public Tensor[] ToArray() => [P3, P4, P5];

    public void Dispose()
    {
        P3.Dispose();
        P4.Dispose();
        P5.Dispose();
    }
}

/// <summary>
/// YOLOv4-CSP's neck on the ParNet taps, at width w (YOLOv4-CSP itself: w = 128, depth 2):
/// CSP-SPP on P5 (4w); top-down: upsample, 1x1 lateral from the backbone, CSP block, to P4 (2w) and P3 (w);
/// bottom-up: 3x3 stride-2 conv, concatenate with the top-down level, CSP block, to P4 (2w) and P5 (4w);
/// a 3x3 conv doubling the width on each output.
/// P3 (N, c3, H/8, W/8), P4 (N, c4, H/16, W/16), P5 (N, c5, H/32, W/32)
///   -> (N, 2w, H/8, W/8), (N, 4w, H/16, W/16), (N, 8w, H/32, W/32). H and W must be multiples of 32.
/// </summary>
public sealed class CspPan : nn.Module<ParNetFeatures, NeckOutputs>
{
    readonly CspSpp spp;
    readonly ConvBnAct reduce5, lateral4, reduce4, lateral3, down3, down4, out3, out4, out5;
    readonly CspBlock topdown4, topdown3, bottomup4, bottomup5;

    public CspPan(ParNetFeatureChannels inputs, int width, int depth) : base(nameof(CspPan))
    {
        int w = width;
        spp = new CspSpp(inputs.P5, 4 * w);
        reduce5 = new ConvBnAct(4 * w, 2 * w, 1);
        lateral4 = new ConvBnAct(inputs.P4, 2 * w, 1);
        topdown4 = new CspBlock(4 * w, 2 * w, depth);
        reduce4 = new ConvBnAct(2 * w, w, 1);
        lateral3 = new ConvBnAct(inputs.P3, w, 1);
        topdown3 = new CspBlock(2 * w, w, depth);
        down3 = new ConvBnAct(w, 2 * w, 3, stride: 2);
        bottomup4 = new CspBlock(4 * w, 2 * w, depth);
        down4 = new ConvBnAct(2 * w, 4 * w, 3, stride: 2);
        bottomup5 = new CspBlock(8 * w, 4 * w, depth);
        out3 = new ConvBnAct(w, 2 * w, 3);
        out4 = new ConvBnAct(2 * w, 4 * w, 3);
        out5 = new ConvBnAct(4 * w, 8 * w, 3);
        OutputChannels = [2 * w, 4 * w, 8 * w];
        RegisterComponents();
    }

    /// <summary>Channels of the three outputs, P3 first.</summary>
    public int[] OutputChannels { get; }

    public override NeckOutputs forward(ParNetFeatures f)
    {
        using var scope = NewDisposeScope();
        var p5 = spp.forward(f.P5);                                                   // 4w, /32
        var n4 = topdown4.forward(cat([lateral4.forward(f.P4), Upsample(reduce5.forward(p5))], 1)); // 2w, /16
        var n3 = topdown3.forward(cat([lateral3.forward(f.P3), Upsample(reduce4.forward(n4))], 1)); // w, /8
        var m4 = bottomup4.forward(cat([down3.forward(n3), n4], 1));                  // 2w, /16
        var m5 = bottomup5.forward(cat([down4.forward(m4), p5], 1));                  // 4w, /32
        return new NeckOutputs(
            out3.forward(n3).MoveToOuterDisposeScope(),
            out4.forward(m4).MoveToOuterDisposeScope(),
            out5.forward(m5).MoveToOuterDisposeScope());
    }

    public CspSpp Spp => spp;
    public ConvBnAct Reduce5 => reduce5;
    public ConvBnAct Lateral4 => lateral4;
    public CspBlock TopDown4 => topdown4;
    public ConvBnAct Reduce4 => reduce4;
    public ConvBnAct Lateral3 => lateral3;
    public CspBlock TopDown3 => topdown3;
    public ConvBnAct Down3 => down3;
    public CspBlock BottomUp4 => bottomup4;
    public ConvBnAct Down4 => down4;
    public CspBlock BottomUp5 => bottomup5;
    public ConvBnAct Out3 => out3;
    public ConvBnAct Out4 => out4;
    public ConvBnAct Out5 => out5;

    static Tensor Upsample(Tensor x) =>
        nn.functional.interpolate(x, scale_factor: [2, 2], mode: InterpolationMode.Nearest);

    public void Fuse()
    {
        spp.Fuse();
        foreach (var c in new[] { reduce5, lateral4, reduce4, lateral3, down3, down4, out3, out4, out5 }) c.Fuse();
        foreach (var b in new[] { topdown4, topdown3, bottomup4, bottomup5 }) b.Fuse();
    }
}
