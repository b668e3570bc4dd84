using OpenCvSharp;
using ParNetDetect.Service.Configuration;

namespace ParNetDetect.Service.Pipeline;

/// <summary>
/// Decides whether a frame is worth a detector pass: frame differencing on a small blurred grey copy
/// (160 px wide), a few tenths of a millisecond per frame. All Mats are allocated once and reused.
/// Motion keeps the gate open for HoldSeconds, so an object that stops moving is still followed a while. Changes
/// inside the motion masks (a clock, trees in the wind) never count.
/// </summary>
public sealed class MotionGate(MotionOptions options) : IDisposable
{
    const int SmallWidth = 160;
    readonly Mat _small = new(), _grey = new(), _previous = new(), _diff = new(), _masked = new();
    DateTimeOffset _openUntil = DateTimeOffset.MinValue;

    /// <summary>Fraction of pixels that changed in the last frame (for logs and tests).</summary>
    public double LastChangedFraction { get; private set; }

    public bool ShouldDetect(Mat bgr, DateTimeOffset now)
    {
        int h = Math.Max(1, bgr.Height * SmallWidth / Math.Max(1, bgr.Width));
        Cv2.Resize(bgr, _small, new OpenCvSharp.Size(SmallWidth, h), 0, 0, InterpolationFlags.Area);
        Cv2.CvtColor(_small, _grey, ColorConversionCodes.BGR2GRAY);
        Cv2.GaussianBlur(_grey, _grey, new OpenCvSharp.Size(5, 5), 0);
        if (_previous.Empty() || _previous.Size() != _grey.Size())
        {
            _grey.CopyTo(_previous);
            DrawMasks(_grey.Size());
            _openUntil = now + TimeSpan.FromSeconds(options.HoldSeconds);
            return true; // first frame (or a resolution change): nothing to compare, look once
        }
        Cv2.Absdiff(_grey, _previous, _diff);
        Cv2.Threshold(_diff, _diff, options.PixelThreshold, 255, ThresholdTypes.Binary);
        if (options.Masks.Count > 0) _diff.SetTo(Scalar.Black, _masked);
        LastChangedFraction = Cv2.CountNonZero(_diff) / (double)(_diff.Rows * _diff.Cols);
        _grey.CopyTo(_previous);
        if (LastChangedFraction >= options.MinChangedFraction)
            _openUntil = now + TimeSpan.FromSeconds(options.HoldSeconds);
        return now <= _openUntil;
    }

    /// <summary>The motion masks as a white-on-black picture of the small frame.</summary>
    void DrawMasks(OpenCvSharp.Size size)
    {
        if (options.Masks.Count == 0) return;
        _masked.Create(size, MatType.CV_8UC1);
        _masked.SetTo(Scalar.Black);
        var polygons = options.Masks.Select(m => m.Select(p => new Point(p[0] * size.Width, p[1] * size.Height)));
        Cv2.FillPoly(_masked, polygons, Scalar.White);
    }

    public void Dispose()
    {
        _small.Dispose();
        _grey.Dispose();
        _previous.Dispose();
        _diff.Dispose();
        _masked.Dispose();
    }
}
