using OpenCvSharp;

namespace ParNetDetect.Imaging;

/// <summary>
/// Writes a BGR 8-bit image into float32 planar RGB memory scaled to [0,1] (the network's input layout) with two
/// OpenCV passes over reused buffers: a channel shuffle into 8-bit planes, then one scaled conversion per plane
/// straight into the destination (a tensor's memory). No per-call allocation.
/// </summary>
public sealed class ChwTensorWriter : IDisposable
{
    static readonly int[] BgrToRgbPlanes = [2, 0, 1, 1, 0, 2];
    readonly Mat[] _planes = [new(), new(), new()];

    /// <param name="bgr">8UC3, continuous or not.</param>
    /// <param name="destination">3 * rows * cols floats: R plane, G plane, B plane.</param>
    public unsafe void Write(Mat bgr, float* destination)
    {
        if (bgr.Type() != MatType.CV_8UC3) throw new ArgumentException($"expected an 8-bit BGR image, got {bgr.Type()}.");
        int rows = bgr.Rows, cols = bgr.Cols;
        foreach (var plane in _planes) plane.Create(rows, cols, MatType.CV_8UC1);
        Cv2.MixChannels([bgr], _planes, BgrToRgbPlanes);
        long planeSize = (long)rows * cols;
        for (int c = 0; c < 3; c++)
        {
            using var target = Mat.FromPixelData(rows, cols, MatType.CV_32FC1, (IntPtr)(destination + c * planeSize));
            _planes[c].ConvertTo(target, MatType.CV_32FC1, 1.0 / 255.0);
        }
    }

    public void Dispose()
    {
        foreach (var plane in _planes) plane.Dispose();
    }
}
