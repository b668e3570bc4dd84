using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ParNetDetect.DetectionHead.Neck;

/// <summary>
/// YOLOv4-CSP's BottleneckCSP2, the neck's workhorse: x1 = conv1x1(x); main = n x (conv1x1 -> conv3x3) on x1 (no
/// residual); out = <see cref="CspJoin"/>(main, x1). x: (N, Cin, H, W) -> (N, Cout, H, W), hidden width Cout.
/// </summary>
public sealed class CspBlock : nn.Module<Tensor, Tensor>
{
    readonly ConvBnAct input;
    readonly ModuleList<ConvBnAct> bottlenecks;
    readonly CspJoin join;

    public CspBlock(int inChannels, int outChannels, int depth) : base(nameof(CspBlock))
    {
        if (depth < 1) throw new ArgumentOutOfRangeException(nameof(depth), depth, "a CSP block needs at least one bottleneck");
        input = new ConvBnAct(inChannels, outChannels, 1);
        bottlenecks = new ModuleList<ConvBnAct>();
        for (int i = 0; i < depth; i++)
        {
            bottlenecks.Add(new ConvBnAct(outChannels, outChannels, 1));
            bottlenecks.Add(new ConvBnAct(outChannels, outChannels, 3));
        }
        join = new CspJoin(outChannels, outChannels, outChannels);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var x1 = input.forward(x);
        var y = x1.alias();
        foreach (var layer in bottlenecks)
        {
            var next = layer.forward(y);
            y.Dispose();
            y = next;
        }
        using (y) return join.forward(y, x1);
    }

    public ConvBnAct Input => input;
    /// <summary>1x1, 3x3, 1x1, 3x3, ... in order.</summary>
    public IReadOnlyList<ConvBnAct> Bottlenecks => [.. bottlenecks];
    public CspJoin Join => join;

    public void Fuse()
    {
        input.Fuse();
        foreach (var layer in bottlenecks) layer.Fuse();
        join.Fuse();
    }
}
