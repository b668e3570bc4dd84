using ParNetDetect.DetectionHead;
using static TorchSharp.torch;

namespace ParNetDetect.Inference.Backends;

/// <summary>
/// What runs the network for a <see cref="Detector"/> (and for batch evaluation): TorchSharp today, ONNX Runtime
/// next. A backend takes letterboxed input and returns decoded predictions; letterboxing, NMS and mapping boxes back
/// to the images are the caller's, so every backend shares them.
/// </summary>
public interface IDetectorBackend : IDisposable
{
    /// <summary>The model's name, classes (with their dataset category ids), the input side it was trained at and its
    /// own score thresholds (from the checkpoint, or the ONNX metadata).</summary>
    CheckpointInfo Info { get; }

    /// <summary>Where the weights came from (a file path), for messages.</summary>
    string Source { get; }

    /// <summary>The strides of the prediction levels (8, 16, 32): input sides must be multiples of the largest.</summary>
    IReadOnlyList<int> Strides { get; }

    /// <summary>Throws an <see cref="ArgumentException"/> naming the weights when the network cannot take (N, 3, S, S)
    /// input with S = <paramref name="side"/> (a graph exported for one size only).</summary>
    void CheckInputSide(int side);

    /// <summary>
    /// (N, 3, S, S) float32 RGB in [0, 1] on the CPU, S a multiple of the largest stride -> (N, K, 5 + nc): cx, cy,
    /// w, h in input pixels, objectness and class probabilities (what <see cref="Nms.Run"/> takes). The caller
    /// disposes the result, which may share memory that the next call overwrites; no gradients are recorded.
    /// </summary>
    Tensor Predict(Tensor images);
}
