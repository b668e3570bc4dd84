using System.Collections.Concurrent;
using TorchSharp;
using Tensor = TorchSharp.torch.Tensor;

namespace ParNetDetect.Data;

/// <summary>
/// Reuses the loader's batch image tensors (78 MB each at 640 x 16): allocating one per batch on worker threads
/// and freeing it on the trainer's made the process grow for many epochs before malloc levelled off.
/// The tensors are allocated up front on the creating (consumer) thread, so they always come from that thread's
/// malloc arena rather than from whichever arena each epoch's new worker threads get. Holds at most
/// <c>capacity</c> idle tensors; a tensor returned after the pool is disposed is freed.
/// </summary>
internal sealed class TensorPool : IDisposable
{
    readonly ConcurrentBag<Tensor> _idle = new();
    readonly long[] _shape;
    readonly int _capacity;
    volatile bool _disposed;

    public TensorPool(long[] shape, int capacity)
    {
        _shape = shape;
        _capacity = capacity;
        // Detached: a dispose scope open on the consumer's thread must not free tensors the workers write into.
        for (int i = 0; i < capacity; i++) _idle.Add(torch.empty(shape, torch.float32).DetachFromDisposeScope());
    }

    public Tensor Rent() => _idle.TryTake(out var t) ? t : torch.empty(_shape, torch.float32).DetachFromDisposeScope();

    public void Return(Tensor tensor)
    {
        if (_disposed || _idle.Count >= _capacity) { tensor.Dispose(); return; }
        _idle.Add(tensor);
        if (_disposed && _idle.TryTake(out var late)) late.Dispose(); // raced with Dispose
    }

    public void Dispose()
    {
        _disposed = true;
        while (_idle.TryTake(out var t)) t.Dispose();
    }
}
