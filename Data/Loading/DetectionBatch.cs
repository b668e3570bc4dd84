using ParNetDetect.Imaging;
using Tensor = TorchSharp.torch.Tensor;

namespace ParNetDetect.Data;

/// <summary>
/// Where one batch row came from. <see cref="Letterbox"/> maps the row's pixels back to the original image in
/// validation mode (and for single-image training samples); for mosaic samples it is default.
/// <see cref="DecodeFailed"/> marks a validation row left grey because its image could not be read.
/// </summary>
public readonly record struct BatchItem(int DatasetIndex, long ImageId, int OriginalWidth, int OriginalHeight,
    LetterboxInfo Letterbox, bool DecodeFailed = false);

/// <summary>
/// One batch from <see cref="DetectionLoader"/>, owning its tensors: dispose it when done.
/// <see cref="Images"/>: (N, 3, S, S) float32 RGB in [0,1]; the loader reuses its memory for a later batch once
/// this one is disposed, so copy what must outlive the batch.
/// <see cref="Targets"/>: (M, 6) float32 rows [batchIndex, classIndex, cx, cy, w, h], normalised to [0,1] of S.
/// </summary>
public sealed class DetectionBatch(Tensor images, Tensor targets, IReadOnlyList<BatchItem> items, Action? onDispose = null) : IDisposable
{
    bool _disposed;

    public Tensor Images { get; } = images;
    public Tensor Targets { get; } = targets;
    public IReadOnlyList<BatchItem> Items { get; } = items;
    public int Count => Items.Count;

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        Images.Dispose();
        Targets.Dispose();
        onDispose?.Invoke();
    }
}
