using OpenCvSharp;
using ParNetDetect.DetectionHead;
using ParNetDetect.Service.Detectors;

namespace ParNetDetect.Service.Tests.Support;

/// <summary>
/// Stands in for the neural detector: every bright blob (grey level above 128) is a "square" with score 0.9, so
/// tests know exactly what should be found in the videos <see cref="TestVideos"/> renders.
/// </summary>
public sealed class FakeDetector : IObjectDetector
{
    readonly Mat _grey = new(), _mask = new();

    public IReadOnlyList<string> ClassNames { get; } = ["square", "circle"];
    public IReadOnlyList<float> ScoreThresholds { get; } = [0.5f, 0.5f];
    public int Calls { get; private set; }
    /// <summary>Set to make Detect block (a stuck detector).</summary>
    public ManualResetEventSlim Gate { get; } = new(initialState: true);

    public IReadOnlyList<Detection> Detect(Mat bgr, float minScore)
    {
        Gate.Wait();
        Calls++;
        Cv2.CvtColor(bgr, _grey, ColorConversionCodes.BGR2GRAY);
        Cv2.Threshold(_grey, _mask, 128, 255, ThresholdTypes.Binary);
        Cv2.FindContours(_mask, out Point[][] contours, out _, RetrievalModes.External, ContourApproximationModes.ApproxSimple);
        return contours.Select(Cv2.BoundingRect).Where(r => r.Width * r.Height >= 16)
            .Select(r => new Detection(r.X, r.Y, r.Right, r.Bottom, 0.9f, 0)).ToList();
    }

    public void Dispose()
    {
        _grey.Dispose();
        _mask.Dispose();
        Gate.Dispose();
    }
}
