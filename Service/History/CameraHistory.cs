using OpenCvSharp;
using ParNetDetect.Service.Configuration;
using ParNetDetect.Service.Events;
using ParNetDetect.Service.Pipeline;

namespace ParNetDetect.Service.History;

/// <summary>
/// A camera's side of the history on the detection thread: each processed frame is encoded to JPEG at most once,
/// and only when it is needed, for the clip ring (cameras that record) or as an object's new best frame. Everything
/// slower (files, database, ffmpeg) happens on other threads. It also remembers which objects the tracker has reported
/// stationary (<see cref="StationaryObjects"/>), and holds what the writer needs per camera: the retention settings
/// and the annotator that draws the event's box on its snapshot.
/// </summary>
public sealed class CameraHistory(string camera, CameraHistoryOptions options, ClipRecorder? recorder, FrameAnnotator annotator,
    int jpegQuality) : IFrameObserver, IDisposable
{
    readonly int[] _jpegParams = [(int)ImwriteFlags.JpegQuality, jpegQuality];

    public string Camera => camera;
    public CameraHistoryOptions Options => options;
    public BestFrames Best { get; } = new();
    public StationaryObjects Stationary { get; } = new();
    /// <summary>Null when the camera records no clips.</summary>
    public ClipRecorder? Recorder => recorder;
    /// <summary>Used by the writer thread only.</summary>
    public FrameAnnotator Annotator => annotator;

    /// <summary>Raised on the detection thread with the camera and the object, in the frame whose report first calls
    /// the object stationary (the tracker's judgement: not moved for the camera's Tracker:StationarySeconds); once per
    /// event.</summary>
    public event Action<string, long>? BecameStationary;

    /// <summary>A processed frame and its report; <paramref name="trackedObjects"/> counts the camera's confirmed tracks.</summary>
    public void Observe(Mat image, FrameReport report, int trackedObjects)
    {
        foreach (long objectId in Stationary.Observe(report)) BecameStationary?.Invoke(camera, objectId);
        bool improves = Best.Improves(report);
        if (recorder == null && !improves) return;
        Cv2.ImEncode(".jpg", image, out byte[] jpeg, _jpegParams);
        if (improves) Best.Offer(report, jpeg);
        recorder?.Add(new EncodedFrame(jpeg, report.ProcessedAt), trackedObjects > 0);
    }

    /// <summary>The object's event ended: its best frame and whether it was stationary are no longer needed.</summary>
    public void Forget(long objectId)
    {
        Best.Forget(objectId);
        Stationary.Forget(objectId);
    }

    public void Dispose() => annotator.Dispose();
}
