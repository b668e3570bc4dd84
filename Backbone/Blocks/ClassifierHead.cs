using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ParNetDetect.Backbone.Blocks;

/// <summary>ImageNet classifier: GAP -> dropout -> fc. x: (N, C, H, W) -> (N, classes).</summary>
public sealed class ClassifierHead : nn.Module<Tensor, Tensor>
{
    readonly Linear fc;
    readonly double dropout;

    public ClassifierHead(int inChannels, int numClasses, double dropout) : base(nameof(ClassifierHead))
    {
        fc = nn.Linear(inChannels, numClasses);
        this.dropout = dropout;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var pooled = nn.functional.adaptive_avg_pool2d(x, [1, 1]);
        using var flat = pooled.flatten(1);
        using var dropped = nn.functional.dropout(flat, dropout, training);
        return fc.forward(dropped);
    }

    public long ParameterCount() => parameters().Sum(p => p.numel());

    public long Macs() => fc.weight.numel();
}
