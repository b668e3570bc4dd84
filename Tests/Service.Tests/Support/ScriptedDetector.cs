using OpenCvSharp;
using ParNetDetect.DetectionHead;
using ParNetDetect.Service.Detectors;

namespace ParNetDetect.Service.Tests.Support;

/// <summary>A detector that returns what the test says for the next frame (those at the minimum score or above),
/// with the fake model's thresholds of 0.5.</summary>
public sealed class ScriptedDetector : IObjectDetector
{
    public IReadOnlyList<string> ClassNames { get; } = ["square", "circle"];
    public IReadOnlyList<float> ScoreThresholds { get; } = [0.5f, 0.5f];
    public List<Detection> Next { get; } = new();

    public IReadOnlyList<Detection> Detect(Mat bgr, float minScore) => Next.Where(d => d.Score >= minScore).ToList();

    public void Dispose() { }
}
