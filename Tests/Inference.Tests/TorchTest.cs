using ParNetDetect.Platform;

// Tests here build models, whose constructors draw from libtorch's one global generator: run one test at a time so
// that each starts from the seed below and no other test draws in between.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace ParNetDetect.Inference.Tests;

/// <summary>
/// Base of every test class that touches torch: loads libtorch once, two threads (small tensors), and seeds the global
/// generator for each test, so model initialisation is the same in every run.
/// </summary>
public abstract class TorchTest
{
    protected TorchTest()
    {
        TorchRuntime.Initialize(threads: 2);
        TorchSharp.torch.manual_seed(20261201);
    }
}
