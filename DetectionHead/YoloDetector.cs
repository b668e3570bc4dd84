using ParNetDetect.Backbone;
using ParNetDetect.DetectionHead.Neck;
using static TorchSharp.torch;

namespace ParNetDetect.DetectionHead;

/// <summary>
/// ParNet backbone + YOLOv4-CSP neck + anchor head. x: (N, 3, H, W) RGB in [0, 1], H and W multiples of 32 ->
/// per level (N, A, H/s, W/s, 5 + nc) raw logits, s = 8, 16, 32 (the loss's input); <see cref="Predict"/> decodes
/// them to (N, K, 5 + nc) boxes in input pixels (NMS's input).
/// </summary>
public sealed class YoloDetector : nn.Module<Tensor, Tensor[]>
{
    readonly ParNet backbone;
    readonly CspPan neck;
    readonly YoloHead head;

    YoloDetector(DetectorVariant variant, int numClasses, Anchors anchors, ParNetActivation activation) : base(nameof(YoloDetector))
    {
        Variant = variant;
        Anchors = anchors;
        backbone = ParNet.Create(variant.Backbone, new ParNetOptions { Activation = activation });
        neck = new CspPan(backbone.FeatureChannels, variant.NeckWidth, variant.CspDepth);
        head = new YoloHead(neck.OutputChannels, anchors, numClasses);
        RegisterComponents();
    }

    /// <summary>Builds a registered detector (`parnet-n-yolo`, ...) for <paramref name="numClasses"/> classes.</summary>
    public static YoloDetector Create(string name, int numClasses, Anchors? anchors = null,
        ParNetActivation activation = ParNetActivation.SiLU) =>
        new(DetectorVariants.Get(name), numClasses, anchors ?? Anchors.Default, activation);

    public DetectorVariant Variant { get; }
    public Anchors Anchors { get; }
    public int NumClasses => head.NumClasses;
    public ParNet Backbone => backbone;
    public CspPan Neck => neck;
    public YoloHead Head => head;
    public bool IsFused => backbone.IsFused;

    /// <summary>Input sizes must be multiples of the coarsest stride so the neck's levels line up.</summary>
    public int SizeDivisor => Anchors.Strides.Max();

    public override Tensor[] forward(Tensor x)
    {
        if (x.dim() != 4 || x.shape[1] != 3 || x.shape[2] % SizeDivisor != 0 || x.shape[3] % SizeDivisor != 0)
            throw new ArgumentException(
                $"input must be (N, 3, H, W) with H and W multiples of {SizeDivisor}; got ({string.Join(", ", x.shape)}).");
        using var features = backbone.ForwardFeatures(x);
        using var necked = neck.forward(features);
        return head.forward(necked.ToArray());
    }

    /// <summary>x -> (N, K, 5 + nc): cx, cy, w, h in input pixels, objectness, class probabilities.</summary>
    public Tensor Predict(Tensor x)
    {
        var levels = forward(x);
        try { return PredictionDecoder.Decode(levels, Anchors); }
        finally { foreach (var l in levels) l.Dispose(); }
    }

    /// <summary>Inference form, in place and idempotent: ParNet blocks reparameterized, every conv+BN folded.
    /// Uses the BN running statistics, so only for a trained model in eval mode.</summary>
    public YoloDetector Fuse()
    {
        backbone.Fuse();
        neck.Fuse();
        return this;
    }

    public long ParameterCount() => parameters().Sum(p => p.numel());
}
