using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ParNetDetect.DetectionHead.Neck;

/// <summary>
/// The cross-stage-partial merge shared by <see cref="CspBlock"/> and <see cref="CspSpp"/>: a main path's output and a
/// 1x1 "partial" shortcut are concatenated, normalised, activated and mixed by a 1x1 conv:
/// out = conv1x1(act(BN(cat(main, shortcutConv(shortcutInput))))).
/// The BN over the concatenation is per channel, so it is split here: the shortcut half is folded into the shortcut
/// conv (fusable), the main half stays a BatchNorm because an activation precedes it.
/// main: (N, C, H, W), shortcutInput: (N, Cs, H, W) -> (N, Cout, H, W).
/// </summary>
public sealed class CspJoin : nn.Module<Tensor, Tensor, Tensor>
{
    readonly BatchNorm2d main_bn;
    readonly ConvBnAct shortcut;
    readonly ConvBnAct output;

    public CspJoin(int mainChannels, int shortcutInChannels, int outChannels) : base(nameof(CspJoin))
    {
        main_bn = nn.BatchNorm2d(mainChannels);
        shortcut = new ConvBnAct(shortcutInChannels, mainChannels, 1, activation: false);
        output = new ConvBnAct(2 * mainChannels, outChannels, 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor main, Tensor shortcutInput)
    {
        using var a = main_bn.forward(main);
        using var b = shortcut.forward(shortcutInput);
        using var joined = cat([a, b], 1);
        using var activated = nn.functional.silu(joined);
        return output.forward(activated);
    }

    public BatchNorm2d MainNorm => main_bn;
    public ConvBnAct Shortcut => shortcut;
    public ConvBnAct Output => output;

    public void Fuse()
    {
        shortcut.Fuse();
        output.Fuse();
    }
}
