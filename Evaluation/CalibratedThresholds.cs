namespace ParNetDetect.Evaluation;

/// <summary>A model's score thresholds from data (<see cref="ThresholdCalibration"/>): one for every class, and one
/// per class index, at the input side they were found at (scores shift with it).</summary>
public sealed record CalibratedThresholds(float Overall, IReadOnlyList<float> PerClass, int ImageSize);
