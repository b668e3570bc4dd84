using OpenCvSharp;
using ParNetDetect.Service.Events;

namespace ParNetDetect.Service.Pipeline;

/// <summary>
/// Sees each processed frame of one camera on the detection thread, before the frame's events are raised (the event
/// history keeps its clip ring and best frames this way). Must be quick: anything slow belongs on its own thread.
/// </summary>
public interface IFrameObserver
{
    /// <param name="trackedObjects">The camera's confirmed tracks after this frame.</param>
    void Observe(Mat image, FrameReport report, int trackedObjects);
}
