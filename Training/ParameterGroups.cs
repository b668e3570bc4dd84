using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ParNetDetect.Training;

/// <summary>
/// The optimizer's three parameter groups: weights that get weight decay (convs, linears), BatchNorm scales and
/// biases that do not (decaying them only fights normalisation). Biases are separate because warm-up starts their
/// learning rate high (0.1) while the others start at 0.
/// </summary>
public sealed record ParameterGroups(IReadOnlyList<Parameter> Decay, IReadOnlyList<Parameter> NormWeights, IReadOnlyList<Parameter> Biases)
{
    public const int DecayGroup = 0, NormGroup = 1, BiasGroup = 2;

    public static ParameterGroups Of(nn.Module model)
    {
        var normWeights = new HashSet<IntPtr>();
        foreach (var (_, m) in model.named_modules())
            if (m is BatchNorm2d bn) normWeights.Add(bn.weight.Handle);
        List<Parameter> decay = [], norm = [], bias = [];
        foreach (var (name, p) in model.named_parameters())
        {
            if (!p.requires_grad) continue;
            if (name.EndsWith(".bias", StringComparison.Ordinal) || name == "bias") bias.Add(p);
            else if (normWeights.Contains(p.Handle)) norm.Add(p);
            else decay.Add(p);
        }
        return new ParameterGroups(decay, norm, bias);
    }

    public int Count => Decay.Count + NormWeights.Count + Biases.Count;
}
