using ParNetDetect.Backbone.Blocks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ParNetDetect.Backbone;

/// <summary>
/// ParNet ("Non-deep Networks", Goyal et al. 2021): three parallel streams at strides 4, 8 and 16 fed by a
/// four-block downsampling stem, merged by fusion blocks, depth 12. Build with <see cref="Create"/>.
///
/// Topology for an (N, 3, H, W) input (every stride-2 step rounds up, so any H, W >= 1 works):
///   stem.0  Down 3 -> stem        1/2
///   stem.1  Down stem -> p1       1/4   -> streams.0 (4 RepVGG-SSE) -> stream1_down (Down p1 -> p2, 1/8)
///   stem.2  Down p1 -> p2         1/8   -> streams.1 (5 RepVGG-SSE) = P3 -> fusion.0 (with stream1_down, -> p3, 1/16)
///   stem.3  Down p2 -> p3         1/16  -> streams.2 (5 RepVGG-SSE)       -> fusion.1 (with fusion.0, -> p3, 1/16) = P4
///   final_down Down p3 -> p4      1/32  = P5 -> optional head: GAP -> dropout -> fc
/// </summary>
public sealed class ParNet : nn.Module<Tensor, Tensor>
{
    readonly ModuleList<DownsamplingBlock> stem;
    readonly ModuleList<ModuleList<RepVggSseBlock>> streams;
    readonly DownsamplingBlock stream1_down;
    readonly ModuleList<FusionBlock> fusion;
    readonly DownsamplingBlock final_down;
    readonly ClassifierHead? head;

    /// <summary>Blocks per stream (the official num_blocks 5/6/6 minus the downsampling block that feeds each).</summary>
    public static IReadOnlyList<int> StreamDepths { get; } = [4, 5, 5];

    ParNet(ParNetVariant variant, ParNetOptions options) : base("ParNet")
    {
        Variant = variant;
        Options = options;
        var act = options.Activation;
        stem = nn.ModuleList(
            new DownsamplingBlock(3, variant.Stem, act),
            new DownsamplingBlock(variant.Stem, variant.P1, act),
            new DownsamplingBlock(variant.P1, variant.P2, act),
            new DownsamplingBlock(variant.P2, variant.P3, act));
        int[] widths = [variant.P1, variant.P2, variant.P3];
        streams = nn.ModuleList(widths.Select((c, i) =>
            nn.ModuleList(Enumerable.Range(0, StreamDepths[i]).Select(_ => new RepVggSseBlock(c, act)).ToArray())).ToArray());
        stream1_down = new DownsamplingBlock(variant.P1, variant.P2, act);
        fusion = nn.ModuleList(
            new FusionBlock(variant.P2, variant.P3, stride: 2, act, options.ChannelsLast),
            new FusionBlock(variant.P3, variant.P3, stride: 1, act, options.ChannelsLast));
        final_down = new DownsamplingBlock(variant.P3, variant.P4, act);
        if (options.NumClasses > 0) head = new ClassifierHead(variant.P4, options.NumClasses, options.Dropout);
        RegisterComponents();
    }

    /// <summary>Builds a variant by name (see <see cref="VariantNames"/>); unknown names list the known ones.</summary>
    public static ParNet Create(string name, ParNetOptions? options = null) => Create(ParNetVariants.Get(name), options);

    /// <summary>Builds a ParNet with custom widths (same topology), e.g. to try a new CPU variant.</summary>
    public static ParNet Create(ParNetVariant variant, ParNetOptions? options = null)
    {
        options ??= new ParNetOptions();
        if (options.NumClasses < 0) throw new ArgumentOutOfRangeException(nameof(options), "NumClasses must be >= 0.");
        if (options.Dropout is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(options), "Dropout must be in [0, 1).");
        int[] widths = [variant.Stem, variant.P1, variant.P2, variant.P3, variant.P4];
        if (widths.Any(c => c < 1) || variant.P2 % 2 != 0 || variant.P3 % 2 != 0)
            throw new ArgumentOutOfRangeException(nameof(variant),
                "widths must be positive and p2, p3 even (the fusion blocks run as 2 channel groups).");
        return new ParNet(variant, options);
    }

    public static IReadOnlyList<string> VariantNames => ParNetVariants.Names;

    public ParNetVariant Variant { get; }

    public ParNetOptions Options { get; }

    public ParNetFeatureChannels FeatureChannels => new(Variant.P2, Variant.P3, Variant.P4);

    /// <summary>The four stem blocks (strides 2, 4, 8, 16), read by exporters.</summary>
    public IReadOnlyList<DownsamplingBlock> Stem => [.. stem];

    /// <summary>The RepVGG-SSE blocks of streams 1, 2 and 3, read by exporters.</summary>
    public IReadOnlyList<IReadOnlyList<RepVggSseBlock>> Streams => [.. streams.Select(s => (IReadOnlyList<RepVggSseBlock>)[.. s])];

    /// <summary>Stream 1's downsampling block (to 1/8), read by exporters.</summary>
    public DownsamplingBlock Stream1Down => stream1_down;

    /// <summary>The two fusion blocks, read by exporters.</summary>
    public IReadOnlyList<FusionBlock> Fusion => [.. fusion];

    /// <summary>The final downsampling block (P5), read by exporters.</summary>
    public DownsamplingBlock FinalDown => final_down;

    /// <summary>True once <see cref="Fuse"/> has run.</summary>
    public bool IsFused => final_down.IsFused;

    /// <summary>
    /// x: (N, 3, H, W) -> taps P3 (N, p2, H/8, W/8), P4 (N, p3, H/16, W/16), P5 (N, p4, H/32, W/32), in the backbone's
    /// layout (<see cref="ParNetOptions.ChannelsLast"/>): a detector's neck then convolves them without reordering.
    /// </summary>
    public ParNetFeatures ForwardFeatures(Tensor x)
    {
        using var channelsLast = Options.ChannelsLast ? MemoryFormat.ToChannelsLast(x) : null;
        using var s2 = stem[0].forward(channelsLast ?? x);
        using var s4 = stem[1].forward(s2);
        var s8 = stem[2].forward(s4);
        using var s16 = stem[3].forward(s8);

        using var stream1 = RunStream(streams[0], s4);
        var p3 = RunStream(streams[1], s8);
        s8.Dispose();
        using var stream3 = RunStream(streams[2], s16);

        using var merged8 = stream1_down.forward(stream1);
        using var merged16 = fusion[0].forward(p3, merged8);
        var p4 = fusion[1].forward(stream3, merged16);
        return new ParNetFeatures(p3, p4, final_down.forward(p4));
    }

    static Tensor RunStream(ModuleList<RepVggSseBlock> blocks, Tensor x)
    {
        var y = blocks[0].forward(x);
        foreach (var block in blocks.Skip(1))
        {
            var next = block.forward(y);
            y.Dispose();
            y = next;
        }
        return y;
    }

    /// <summary>x: (N, 3, H, W) -> logits (N, NumClasses) with a classifier, else P5 (N, p4, H/32, W/32).</summary>
    public override Tensor forward(Tensor x)
    {
        var features = ForwardFeatures(x);
        features.P3.Dispose();
        features.P4.Dispose();
        if (head is null) return features.P5;
        using var p5 = features.P5;
        return head.forward(p5);
    }

    /// <summary>
    /// Reparameterizes every block in place into one 3x3 conv with bias plus its gate (BN statistics are folded, so
    /// call it on a trained model for inference). Idempotent. Returns this model.
    /// </summary>
    public ParNet Fuse()
    {
        foreach (var block in stem) block.Fuse();
        foreach (var stream in streams)
            foreach (var block in stream) block.Fuse();
        stream1_down.Fuse();
        foreach (var block in fusion) block.Fuse();
        final_down.Fuse();
        return this;
    }

    /// <summary>Trainable parameters (classifier included when present).</summary>
    public long TrainableParameterCount() => parameters().Where(p => p.requires_grad).Sum(p => p.numel());

    /// <summary>Trainable parameters without the classifier.</summary>
    public long BackboneParameterCount() => TrainableParameterCount() - (head?.ParameterCount() ?? 0);

    /// <summary>Multiply-accumulates of every conv (and the classifier's linear layer when asked) for one h x w image;
    /// elementwise ops are not counted.</summary>
    public long Macs(int h, int w, bool includeClassifier = true)
    {
        long macs = 0;
        (int H, int W) Down(DownsamplingBlock block, (int H, int W) size)
        {
            macs += block.Macs(size.H, size.W);
            return block.OutputSize(size.H, size.W);
        }
        var s2 = Down(stem[0], (h, w));
        var s4 = Down(stem[1], s2);
        var s8 = Down(stem[2], s4);
        var s16 = Down(stem[3], s8);
        foreach (var (stream, size) in streams.Zip([s4, s8, s16]))
            macs += stream.Sum(b => b.Macs(size.H, size.W));
        Down(stream1_down, s4);
        macs += fusion[0].Macs(s8.H, s8.W) + fusion[1].Macs(s16.H, s16.W);
        Down(final_down, s16);
        return macs + (includeClassifier ? head?.Macs() ?? 0 : 0);
    }

    /// <summary>Tap shapes (C, H, W) for an h x w input.</summary>
    public (long[] P3, long[] P4, long[] P5) FeatureShapes(int h, int w)
    {
        var s8 = (H: h, W: w);
        for (int i = 0; i < 3; i++) s8 = (Reparameterization.HalveCeil(s8.H), Reparameterization.HalveCeil(s8.W));
        var s16 = (H: Reparameterization.HalveCeil(s8.H), W: Reparameterization.HalveCeil(s8.W));
        var s32 = (H: Reparameterization.HalveCeil(s16.H), W: Reparameterization.HalveCeil(s16.W));
        var c = FeatureChannels;
        return ([c.P3, s8.H, s8.W], [c.P4, s16.H, s16.W], [c.P5, s32.H, s32.W]);
    }
}
