using ParNetDetect.Backbone.Tests;
using ParNetDetect.DetectionHead;
using static TorchSharp.torch;

namespace ParNetDetect.Onnx.Tests;

/// <summary>Seeded detectors for export tests: random weights and BN statistics (so folding is exercised), fused, eval.</summary>
static class TestModels
{
    public static TheoryData<string> Variants => new(DetectorVariants.Names);

    public static YoloDetector Fused(string name, int classes, int seed)
    {
        var model = YoloDetector.Create(name, classes);
        ModelRandomization.Randomize(model, seed);
        model.eval();
        model.Fuse();
        return model;
    }

    public static CheckpointInfo Info(YoloDetector model) => new()
    {
        Model = model.Variant.Name,
        ClassNames = Enumerable.Range(0, model.NumClasses).Select(i => $"class {i}").ToArray(),
        CategoryIds = Enumerable.Range(0, model.NumClasses).Select(i => 10 + i).ToArray(),
        ImageSize = 320,
    };

    /// <summary>A seeded (n, 3, h, w) input in [0, 1] with some structure (a smooth pattern plus noise), not pure noise.</summary>
    public static Tensor Images(int n, int h, int w, int seed)
    {
        using var scope = NewDisposeScope();
        var generator = new Generator((ulong)seed);
        var noise = rand(n, 3, h, w, generator: generator);
        var ys = linspace(0, 6, h).view(1, 1, h, 1);
        var xs = linspace(0, 6, w).view(1, 1, 1, w);
        var phase = rand(n, 3, 1, 1, generator: generator) * 6;
        var pattern = ((ys * 1.3 + xs + phase).sin() + 1) / 2;
        return (0.7 * pattern + 0.3 * noise).MoveToOuterDisposeScope();
    }
}
