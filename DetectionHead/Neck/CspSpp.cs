using static TorchSharp.torch;

namespace ParNetDetect.DetectionHead.Neck;

/// <summary>
/// YOLOv4-CSP's SPPCSP on P5: x1 = conv1x1 -> conv3x3 -> conv1x1 (x); spatial pyramid pooling concatenates x1 with its
/// stride-1 max-pools of 5, 9 and 13 (receptive field without resolution loss); main = conv1x1 -> conv3x3 on that;
/// out = <see cref="CspJoin"/>(main, x). x: (N, Cin, H, W) -> (N, Cout, H, W).
/// </summary>
public sealed class CspSpp : nn.Module<Tensor, Tensor>
{
    static readonly int[] PoolSizes = [5, 9, 13];

    readonly ConvBnAct reduce1, spatial1, reduce2, mix, spatial2;
    readonly CspJoin join;

    public CspSpp(int inChannels, int outChannels) : base(nameof(CspSpp))
    {
        int c = outChannels;
        reduce1 = new ConvBnAct(inChannels, c, 1);
        spatial1 = new ConvBnAct(c, c, 3);
        reduce2 = new ConvBnAct(c, c, 1);
        mix = new ConvBnAct(c * (PoolSizes.Length + 1), c, 1);
        spatial2 = new ConvBnAct(c, c, 3);
        join = new CspJoin(c, inChannels, outChannels);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var x1 = reduce2.forward(spatial1.forward(reduce1.forward(x)));
        var pooled = PoolSizes.Select(k => nn.functional.max_pool2d(x1, k, stride: 1, padding: k / 2));
        var main = spatial2.forward(mix.forward(cat([x1, .. pooled], 1)));
        return join.forward(main, x).MoveToOuterDisposeScope();
    }

    public static IReadOnlyList<int> MaxPoolSizes => PoolSizes;
    public ConvBnAct Reduce1 => reduce1;
    public ConvBnAct Spatial1 => spatial1;
    public ConvBnAct Reduce2 => reduce2;
    public ConvBnAct Mix => mix;
    public ConvBnAct Spatial2 => spatial2;
    public CspJoin Join => join;

    public void Fuse()
    {
        foreach (var layer in new[] { reduce1, spatial1, reduce2, mix, spatial2 }) layer.Fuse();
        join.Fuse();
    }
}
