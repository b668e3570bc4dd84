using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ParNetDetect.DetectionHead;

/// <summary>
/// The anchor-based detection head: one 1x1 conv per level predicting, for each of A anchors, 4 box logits,
/// 1 objectness logit and nc class logits.
/// levels[i]: (N, C_i, H_i, W_i) -> (N, A, H_i, W_i, 5 + nc) raw logits (see <see cref="PredictionDecoder"/>).
/// </summary>
public sealed class YoloHead : nn.Module<Tensor[], Tensor[]>
{
    readonly ModuleList<Conv2d> predict;

    public YoloHead(IReadOnlyList<int> inChannels, Anchors anchors, int numClasses) : base(nameof(YoloHead))
    {
        if (numClasses < 1) throw new ArgumentOutOfRangeException(nameof(numClasses), numClasses, "at least one class");
        if (inChannels.Count != anchors.Levels)
            throw new ArgumentException($"{inChannels.Count} input levels for {anchors.Levels} anchor levels.");
        NumClasses = numClasses;
        AnchorsPerLevel = anchors.PerLevel;
        predict = new ModuleList<Conv2d>(inChannels
            .Select(c => nn.Conv2d(c, anchors.PerLevel * Outputs, 1, bias: true)).ToArray());
        RegisterComponents();
        InitializeBiases(anchors);
    }

    public int NumClasses { get; }
    public int AnchorsPerLevel { get; }

    /// <summary>The 1x1 output conv of each level, P3 first: A x (5 + nc) channels, anchor-major.</summary>
    public IReadOnlyList<Conv2d> OutputConvs => [.. predict];

    /// <summary>Values per anchor: 4 box + 1 objectness + classes.</summary>
    public int Outputs => 5 + NumClasses;

    public override Tensor[] forward(Tensor[] levels)
    {
        var outputs = new Tensor[levels.Length];
        for (int i = 0; i < levels.Length; i++)
        {
            using var y = predict[i].forward(levels[i]);
            long n = y.shape[0], h = y.shape[2], w = y.shape[3];
            using var shaped = y.view(n, AnchorsPerLevel, Outputs, h, w);
            outputs[i] = shaped.permute(0, 1, 3, 4, 2).contiguous();
        }
        return outputs;
    }

    /// <summary>
    /// Priors that make the untrained head predict what is likely (Scaled-YOLOv4): about 8 objects per 640 image
    /// spread over a level's (640/stride)^2 cells, and class probability 0.6/(nc - 0.99). Without them the
    /// objectness loss of the many empty cells swamps the first iterations.
    /// </summary>
    void InitializeBiases(Anchors anchors)
    {
        using var _ = no_grad();
        for (int i = 0; i < predict.Count; i++)
        {
            var bias = predict[i].bias!.view(AnchorsPerLevel, Outputs);
            double cells = Math.Pow(640.0 / anchors.Strides[i], 2);
            bias[.., 4].add_(Math.Log(8 / cells));
            bias[.., 5..].add_(Math.Log(0.6 / (NumClasses - 0.99)));
        }
    }
}
