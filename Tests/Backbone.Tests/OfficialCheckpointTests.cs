using ParNetDetect.Backbone.Weights;
using ParNetDetect.Platform;
using static TorchSharp.torch;

namespace ParNetDetect.Backbone.Tests;

/// <summary>
/// Import of the official ImageNet checkpoints, through a tiny checkpoint in their exact layout written by PyTorch
/// (bench/backbone/make_official_checkpoint.py; see TestData/README.md) together with PyTorch's outputs.
/// </summary>
public class OfficialCheckpointTests
{
    static readonly ParNetVariant Tiny = new("tiny", 8, 8, 16, 32, 64, "test only");
    static readonly string DataDir = Path.Combine(AppContext.BaseDirectory, "TestData");

    public OfficialCheckpointTests() => TorchRuntime.Initialize();

    static ParNet OfficialTiny() =>
        ParNet.Create(Tiny, new ParNetOptions { Activation = ParNetActivation.ReLU, NumClasses = 1000 });

    [Fact]
    public void ImportedOfficialCheckpointReproducesPyTorchOutputsUnfusedAndFused()
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        using var model = OfficialTiny();
        ParNetWeights.Load(model, Path.Combine(DataDir, "official-parnet-tiny.pth.tar"));
        model.eval();
        var expected = StateDictFile.Read(Path.Combine(DataDir, "official-parnet-tiny-expected.pt"));
        var x = expected["input"];

        foreach (bool fused in new[] { false, true })
        {
            if (fused) model.Fuse();
            using var features = model.ForwardFeatures(x);
            AssertClose(expected["p3"], features.P3);
            AssertClose(expected["p4"], features.P4);
            AssertClose(expected["p5"], features.P5);
            AssertClose(expected["logits"], model.forward(x));
        }
    }

    [Fact]
    public void ExportWithOfficialNamesRoundTripsAndMatchesTheCheckpointKeys()
    {
        using var scope = NewDisposeScope();
        string path = Path.Combine(Path.GetTempPath(), $"parnet-official-{Guid.NewGuid():N}.pt");
        try
        {
            using var model = OfficialTiny();
            ParNetWeights.Load(model, Path.Combine(DataDir, "official-parnet-tiny.pth.tar"));
            ParNetWeights.Save(model, path, ParNetKeyNaming.Official);

            var official = StateDictFile.Read(Path.Combine(DataDir, "official-parnet-tiny.pth.tar"));
            var exported = StateDictFile.Read(path);
            Assert.Equal(official.Keys.Select(OfficialParNetNames.StripDataParallel).Order(), exported.Keys.Order());

            using var again = OfficialTiny();
            ParNetWeights.Load(again, path);
            foreach (var (key, tensor) in model.state_dict())
                Assert.True(tensor.equal(again.state_dict()[key]).all().item<bool>(), key);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void AnOfficialCheckpointForAnotherWidthNamesTheFirstMisShapedKey()
    {
        using var scope = NewDisposeScope();
        using var wider = ParNet.Create(Tiny with { P1 = 10 }, new ParNetOptions { NumClasses = 1000 });
        var e = Assert.Throws<InvalidDataException>(() =>
            ParNetWeights.Load(wider, Path.Combine(DataDir, "official-parnet-tiny.pth.tar")));
        Assert.Contains("'stem.1.conv3x3.conv.weight' has shape [8, 8, 3, 3] in the file, the model expects [10, 8, 3, 3]", e.Message);
    }

    [Fact]
    public void EveryKeyHasAnOfficialName()
    {
        using var scope = NewDisposeScope();
        var keys = OfficialParNetNames.OfficialToOurs(ParNet.Create(Tiny, ParNetOptions.ImageNet).state_dict().Keys);
        Assert.Equal(378, keys.Count);
        Assert.Equal("stem.1.conv1x1.conv.weight", keys["inits.0.1.block.rbr_1x1.1.conv.weight"]);
        Assert.Equal("fusion.1.block.conv1x1.bn.bias", keys["combine.2.block.rbr_1x1.bn.bias"]);
        Assert.Equal("streams.0.3.sse.bn.running_mean", keys["streams.0.3.block.rbr_identity.running_mean"]);
        Assert.Equal("streams.0.3.sse.gate.weight", keys["streams.0.3.block.se.cvsig.conv.weight"]);
        Assert.Equal("fusion.0.bn_merge.weight", keys["downsamples_2.1.0.b2.weight"]);
    }

    static void AssertClose(Tensor expected, Tensor actual)
    {
        Assert.Equal(expected.shape, actual.shape);
        double diff = (expected - actual).abs().max().item<float>();
        double scale = Math.Max(1.0, expected.abs().max().item<float>());
        Assert.True(diff <= 1e-4 * scale, $"max |C# - PyTorch| = {diff:G3} (scale {scale:G3})");
    }
}
