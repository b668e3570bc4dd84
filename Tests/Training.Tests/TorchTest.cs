using ParNetDetect.Platform;

namespace ParNetDetect.Training.Tests;

/// <summary>Base of every test class that touches torch: loads libtorch once, two threads (small tensors).</summary>
public abstract class TorchTest
{
    protected TorchTest() => TorchRuntime.Initialize(threads: 2);
}
