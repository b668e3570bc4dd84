namespace ParNetDetect.Evaluation;

/// <summary>A model's score thresholds from data (<see cref="ThresholdCalibration"/>): one for every class, and one
/// per class index.</summary>
public sealed record CalibratedThresholds(float Overall, IReadOnlyList<float> PerClass);
