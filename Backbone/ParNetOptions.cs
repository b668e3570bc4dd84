namespace ParNetDetect.Backbone;

/// <summary>Nonlinearity after every block. The paper uses SiLU; the official release's YAMLs build ReLU.</summary>
public enum ParNetActivation
{
    SiLU,
    ReLU,
}

/// <summary>Construction options shared by every variant.</summary>
public sealed record ParNetOptions
{
    /// <summary>SiLU (paper, default) or ReLU (what the official ImageNet checkpoints were trained with).</summary>
    public ParNetActivation Activation { get; init; } = ParNetActivation.SiLU;

    /// <summary>0: no classifier, <c>forward</c> returns P5. Otherwise GAP -> dropout -> FC with this many outputs.</summary>
    public int NumClasses { get; init; }

    /// <summary>Dropout before the classifier's FC layer (ignored without a classifier).</summary>
    public double Dropout { get; init; }

    /// <summary>
    /// Run the activations channels-last (NHWC memory), the layout oneDNN's CPU convolutions work in (default; measured
    /// in docs/benchmarks.md). Inputs are ordinary NCHW tensors either way; the taps come out in this layout, (N, C, H, W)
    /// shapes with NHWC strides, so what convolves them next needs no reorder (`.contiguous()` gives NCHW memory).
    /// </summary>
    public bool ChannelsLast { get; init; } = true;

    /// <summary>The ImageNet configuration the paper counts parameters with: 1000 classes.</summary>
    public static ParNetOptions ImageNet => new() { NumClasses = 1000 };
}
