using ParNetDetect.DetectionHead;

namespace ParNetDetect.Service.Tracking;

/// <summary>
/// One class's filter on a camera, every value settled (the label's, else the camera's, else the model's threshold):
/// detections below <see cref="MinScore"/> or outside the size and shape limits are dropped; those reaching
/// <see cref="Confidence"/> are shown and matched first; a track is confirmed when its median score reaches
/// <see cref="Threshold"/>. Areas at most 1 are fractions of the frame, larger ones pixels.
/// </summary>
public sealed record ClassFilter(float Confidence, float MinScore, float Threshold,
    double MinArea, double MaxArea, double MinRatio, double MaxRatio)
{
    public bool Passes(in Detection d, int frameWidth, int frameHeight)
    {
        double width = d.X2 - d.X1, height = d.Y2 - d.Y1, area = width * height, frame = (double)frameWidth * frameHeight;
        double ratio = height > 0 ? width / height : double.PositiveInfinity;
        return d.Score >= MinScore && area >= Pixels(MinArea, frame) && area <= Pixels(MaxArea, frame)
            && ratio >= MinRatio && ratio <= MaxRatio;
    }

    static double Pixels(double area, double frameArea) => area <= 1 ? area * frameArea : area;
}
