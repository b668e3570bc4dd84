namespace ParNetDetect.Training;

/// <summary>
/// Learning rate and momentum per optimizer step: a linear warm-up (weights from 0, biases down from
/// <see cref="TrainOptions.WarmupBiasLr"/>, momentum up from <see cref="TrainOptions.WarmupMomentum"/>), under a cosine
/// decay from Lr0 to Lr0 x FinalLrFactor over the whole run. A pure function of the iteration, so resuming needs
/// only the iteration count.
/// </summary>
public sealed class LearningRateSchedule
{
    readonly TrainOptions _o;

    public LearningRateSchedule(TrainOptions options, int batchesPerEpoch)
    {
        _o = options;
        BatchesPerEpoch = Math.Max(batchesPerEpoch, 1);
        TotalIterations = (long)BatchesPerEpoch * options.Epochs;
        // At least 50 iterations of warm-up, but never more than a third of a short run.
        WarmupIterations = (long)Math.Min(Math.Max(Math.Round(options.WarmupEpochs * BatchesPerEpoch), 50), TotalIterations / 3.0);
        if (options.WarmupEpochs == 0) WarmupIterations = 0;
    }

    public int BatchesPerEpoch { get; }
    public long TotalIterations { get; }
    public long WarmupIterations { get; }

    /// <summary>Cosine factor at a (fractional) epoch: 1 at the start, FinalLrFactor at the end.</summary>
    public double CosineFactor(double epoch) =>
        ((1 - Math.Cos(Math.PI * Math.Min(epoch, _o.Epochs) / _o.Epochs)) / 2) * (_o.FinalLrFactor - 1) + 1;

    /// <summary>(learning rate per group in <see cref="ParameterGroups"/> order, momentum) at a batch iteration.</summary>
    public (double[] Lr, double Momentum) At(long iteration)
    {
        double target = _o.Lr0 * CosineFactor((double)iteration / BatchesPerEpoch);
        if (iteration >= WarmupIterations)
            return ([target, target, target], _o.Momentum);
        double t = (double)iteration / WarmupIterations;
        double weights = Lerp(0, target, t);
        double bias = Lerp(_o.WarmupBiasLr, target, t);
        return ([weights, weights, bias], Lerp(_o.WarmupMomentum, _o.Momentum, t));
    }

    static double Lerp(double from, double to, double t) => from + (to - from) * t;
}
