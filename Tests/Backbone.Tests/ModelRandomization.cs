using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ParNetDetect.Backbone.Tests;

/// <summary>Gives every BatchNorm non-trivial statistics and affine parameters, so folding is actually exercised.</summary>
static class ModelRandomization
{
    public static void RandomizeBatchNorms(nn.Module model, int seed)
    {
        using var _ = no_grad();
        var generator = new Generator((ulong)seed);
        foreach (var (_, module) in model.named_modules())
        {
            if (module is not BatchNorm2d bn) continue;
            long c = bn.num_features;
            bn.running_mean!.copy_(randn(c, generator: generator) * 0.2);
            bn.running_var!.copy_(rand(c, generator: generator) + 0.5);
            bn.weight.copy_(rand(c, generator: generator) + 0.5);
            bn.bias!.copy_(randn(c, generator: generator) * 0.2);
        }
    }
}
