using ParNetDetect.Backbone.Weights;
using ParNetDetect.Platform;
using static TorchSharp.torch;

namespace ParNetDetect.Backbone.Tests;

public sealed class WeightsTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("parnet-weights-").FullName;

    public WeightsTests() => TorchRuntime.Initialize();

    public void Dispose() => Directory.Delete(dir, recursive: true);

    static ParNet RandomModel(bool fused, int seed = 1)
    {
        var model = ParNet.Create("parnet-n", new ParNetOptions { NumClasses = 5 });
        ModelRandomization.Randomize(model, seed);
        if (fused) model.Fuse();
        model.eval();
        return model;
    }

    [Theory]
    [InlineData("w.dat", false)]
    [InlineData("w.pt", false)]
    [InlineData("w.safetensors", false)]
    [InlineData("w.dat", true)]
    [InlineData("w.pt", true)]
    [InlineData("w.safetensors", true)]
    public void SavedWeightsLoadBackIdentically(string file, bool fused)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        string path = Path.Combine(dir, file);
        using var source = RandomModel(fused, seed: 1);
        ParNetWeights.Save(source, path);

        using var target = RandomModel(fused, seed: 2);
        ParNetWeights.Load(target, path);
        var x = randn(1, 3, 64, 64, generator: new Generator(3));
        Assert.Equal(0, (source.forward(x) - target.forward(x)).abs().max().item<float>());
        Assert.Equal(source.state_dict().Keys, target.state_dict().Keys);
    }

    [Theory]
    [InlineData("t.dat")]
    [InlineData("t.pt")]
    [InlineData("t.safetensors")]
    public void ChannelsLastTapsAndViewsAreWrittenAsTheirValues(string file)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        using var model = RandomModel(fused: true);
        var taps = model.ForwardFeatures(randn(1, 3, 64, 64, generator: new Generator(5)));
        var transposed = arange(6f).view(2, 3).t();
        string path = Path.Combine(dir, file);
        StateDictFile.Write(path, new Dictionary<string, Tensor> { ["p4"] = taps.P4, ["t"] = transposed });
        var read = StateDictFile.Read(path);
        Assert.True(read["p4"].allclose(taps.P4, rtol: 0, atol: 0));
        Assert.True(read["t"].allclose(transposed, rtol: 0, atol: 0));
    }

    [Fact]
    public void PyTorchFilesUsePyTorchStyleNames()
    {
        using var scope = NewDisposeScope();
        string path = Path.Combine(dir, "w.pt");
        using var model = RandomModel(fused: false);
        ParNetWeights.Save(model, path);
        var keys = StateDictFile.Read(path).Keys.ToList();
        Assert.Contains("stem.0.conv3x3.conv.weight", keys);
        Assert.Contains("streams.2.4.sse.bn.running_var", keys);
        Assert.Contains("fusion.1.bn_merge.num_batches_tracked", keys);
        Assert.Contains("head.fc.bias", keys);
    }

    [Fact]
    public void AnExistingFileIsNotOverwrittenWithoutTheFlag()
    {
        using var scope = NewDisposeScope();
        string path = Path.Combine(dir, "keep.pt");
        File.WriteAllText(path, "precious");
        using var model = RandomModel(fused: false);
        var e = Assert.Throws<IOException>(() => ParNetWeights.Save(model, path));
        Assert.Contains(path, e.Message);
        Assert.Equal("precious", File.ReadAllText(path));

        ParNetWeights.Save(model, path, overwrite: true);
        Assert.NotEqual("precious", File.ReadAllText(path));
        Assert.False(File.Exists(path + ".partial"));
    }

    [Fact]
    public void AMisShapedTensorIsNamedWithBothShapes()
    {
        using var scope = NewDisposeScope();
        using var model = RandomModel(fused: false);
        var state = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value);
        state["streams.1.2.conv3x3.conv.weight"] = zeros(64, 64, 1, 3);
        string path = Path.Combine(dir, "bad.safetensors");
        StateDictFile.Write(path, state);

        var e = Assert.Throws<InvalidDataException>(() => ParNetWeights.Load(RandomModel(fused: false), path));
        Assert.Contains("'streams.1.2.conv3x3.conv.weight'", e.Message);
        Assert.Contains("[64, 64, 1, 3]", e.Message);
        Assert.Contains("[64, 64, 3, 3]", e.Message);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void AMissingTensorIsNamedWithTheExpectedShape()
    {
        using var scope = NewDisposeScope();
        using var model = RandomModel(fused: false);
        var state = model.state_dict().Where(kv => kv.Key != "fusion.0.block.gate.weight").ToDictionary();
        string path = Path.Combine(dir, "missing.dat");
        StateDictFile.Write(path, state);

        var e = Assert.Throws<InvalidDataException>(() => ParNetWeights.Load(RandomModel(fused: false), path));
        Assert.Contains("missing tensor 'fusion.0.block.gate.weight'", e.Message);
        Assert.Contains("[128, 64, 1, 1]", e.Message);
    }

    [Fact]
    public void UnfusedWeightsIntoAFusedModelSayWhatToDo()
    {
        using var scope = NewDisposeScope();
        string path = Path.Combine(dir, "unfused.pt");
        ParNetWeights.Save(RandomModel(fused: false), path);
        var e = Assert.Throws<InvalidDataException>(() => ParNetWeights.Load(RandomModel(fused: true), path));
        Assert.Contains("load them before Fuse()", e.Message);
    }

    [Fact]
    public void GarbageIsRejectedNamingTheFile()
    {
        string path = Path.Combine(dir, "garbage.pt");
        File.WriteAllBytes(path, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        var e = Assert.Throws<InvalidDataException>(() => StateDictFile.Read(path));
        Assert.Contains(path, e.Message);
    }
}
