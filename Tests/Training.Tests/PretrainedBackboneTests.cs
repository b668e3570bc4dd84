using ParNetDetect.Backbone;
using ParNetDetect.Backbone.Weights;
using ParNetDetect.DetectionHead;
using static TorchSharp.torch;

namespace ParNetDetect.Training.Tests;

/// <summary>`detect train --pretrained`: ImageNet ParNet weights, with or without their classifier, seed the backbone.</summary>
public sealed class PretrainedBackboneTests : TorchTest, IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("pretrained-tests-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Every backbone tensor equals the source's (a classifier in the source is ignored).</summary>
    static void AssertBackboneEquals(ParNet expected, YoloDetector detector)
    {
        var source = expected.state_dict();
        foreach (var (key, value) in detector.Backbone.state_dict())
        {
            Assert.True(source.TryGetValue(key, out var s), $"{key} is not in the source");
            Assert.True(value.equal(s!).all().item<bool>(), key);
        }
    }

    [Theory]
    [InlineData(ParNetKeyNaming.Ours)]
    [InlineData(ParNetKeyNaming.Official)]
    public void ImageNetClassifierCheckpointSeedsTheBackbone(ParNetKeyNaming naming)
    {
        using var imagenet = ParNet.Create("parnet-n", new ParNetOptions { NumClasses = 1000 });
        string path = Path.Combine(_dir, $"imagenet-{naming}.pt");
        ParNetWeights.Save(imagenet, path, naming);
        using var detector = YoloDetector.Create("parnet-n-yolo", 3);
        PretrainedBackbone.Load(detector, path);
        AssertBackboneEquals(imagenet, detector);
    }

    [Fact]
    public void BackboneOnlyWeightsLoadDirectly()
    {
        using var source = YoloDetector.Create("parnet-n-yolo", 3);
        string path = Path.Combine(_dir, "backbone.pt");
        ParNetWeights.Save(source.Backbone, path);
        using var detector = YoloDetector.Create("parnet-n-yolo", 5);
        PretrainedBackbone.Load(detector, path);
        AssertBackboneEquals(source.Backbone, detector);
    }

    [Fact]
    public void WeightsOfAnotherVariantAreRefusedWithBothReasons()
    {
        using var other = ParNet.Create("parnet-t", new ParNetOptions { NumClasses = 1000 });
        string path = Path.Combine(_dir, "parnet-t.pt");
        ParNetWeights.Save(other, path);
        using var detector = YoloDetector.Create("parnet-n-yolo", 3);
        var e = Assert.Throws<InvalidDataException>(() => PretrainedBackbone.Load(detector, path));
        Assert.Contains(path, e.Message);
        Assert.Contains("neither with an ImageNet classifier", e.Message);
    }
}
