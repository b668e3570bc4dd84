using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ParNetDetect.Backbone.Tests;

/// <summary>
/// Gives every parameter and BatchNorm statistic seeded values from a private generator, so a test computes the same
/// model whatever else runs beside it (the global generator that module constructors draw from is shared by every
/// test in the process), and folding is actually exercised.
/// </summary>
static class ModelRandomization
{
    public static void Randomize(nn.Module model, int seed)
    {
        using var _ = no_grad();
        var generator = new Generator((ulong)seed);
        foreach (var (_, module) in model.named_modules())
        {
            switch (module)
            {
                case Conv2d conv:
                    FanInScaled(conv.weight, generator);
                    conv.bias?.copy_(randn(conv.bias.shape, generator: generator) * 0.1);
                    break;
                case Linear linear:
                    FanInScaled(linear.weight, generator);
                    linear.bias?.copy_(randn(linear.bias.shape, generator: generator) * 0.1);
                    break;
                case BatchNorm2d bn:
                    long c = bn.num_features;
                    bn.running_mean!.copy_(randn(c, generator: generator) * 0.2);
                    bn.running_var!.copy_(rand(c, generator: generator) + 0.5);
                    bn.weight.copy_(rand(c, generator: generator) + 0.5);
                    bn.bias!.copy_(randn(c, generator: generator) * 0.2);
                    break;
            }
        }
    }

    // Unit variance per output for unit-variance inputs, so activations keep their scale through the depth.
    static void FanInScaled(Tensor weight, Generator generator)
    {
        double fanIn = weight.numel() / weight.shape[0];
        weight.copy_(randn(weight.shape, generator: generator) / Math.Sqrt(fanIn));
    }
}
