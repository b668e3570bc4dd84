using TorchSharp;
using static TorchSharp.torch;

namespace ParNetDetect.Training;

/// <summary>
/// Exponential moving average of a model's parameters and buffers (BN statistics included), kept in a second
/// model of the same architecture: ema = d ema + (1 - d) model, with d = 0.9999 (1 - exp(-updates / 2000)) so the
/// average follows closely while the model moves fast early on. Validation and the saved inference weights use it.
/// </summary>
public sealed class ModelEma(nn.Module ema, long updates = 0)
{
    const double MaxDecay = 0.9999, Ramp = 2000;

    public nn.Module Model { get; } = ema;
    public long Updates { get; private set; } = updates;

    public double Decay => MaxDecay * (1 - Math.Exp(-Updates / Ramp));

    /// <summary>Copies every parameter and buffer of <paramref name="source"/> (the start of a run).</summary>
    public void CopyFrom(nn.Module source)
    {
        using var _ = no_grad();
        var target = Model.state_dict();
        foreach (var (name, value) in source.state_dict()) target[name].copy_(value);
    }

    public void Update(nn.Module model)
    {
        Updates++;
        double d = Decay;
        using var _ = no_grad();
        var target = Model.state_dict();
        foreach (var (name, value) in model.state_dict())
        {
            var e = target[name];
            if (e.is_floating_point())
            {
                using var v = value.detach();   // a handle per tensor per step: freed now, not by the finalizer
                e.mul_(d).add_(v, alpha: 1 - d);
            }
            else e.copy_(value);   // e.g. BN's num_batches_tracked
        }
    }
}
