using System.Collections.Concurrent;
using TorchSharp;
using Tensor = TorchSharp.torch.Tensor;

namespace ParNetDetect.Data;

/// <summary>
/// Reuses the loader's batch image tensors (78 MB each at 640 x 16): allocating one per batch on worker threads
/// and freeing it on the trainer's made the process grow for many epochs before malloc levelled off.
/// Holds at most <c>capacity</c> idle tensors; a tensor returned after the pool is disposed is freed.
/// </summary>
internal sealed class TensorPool(long[] shape, int capacity) : IDisposable
{
    readonly ConcurrentBag<Tensor> _idle = new();
    volatile bool _disposed;

    public Tensor Rent() => _idle.TryTake(out var t) ? t : torch.empty(shape, torch.float32);

    public void Return(Tensor tensor)
    {
        if (_disposed || _idle.Count >= capacity) { tensor.Dispose(); return; }
        _idle.Add(tensor);
        if (_disposed && _idle.TryTake(out var late)) late.Dispose(); // raced with Dispose
    }

    public void Dispose()
    {
        _disposed = true;
        while (_idle.TryTake(out var t)) t.Dispose();
    }
}
