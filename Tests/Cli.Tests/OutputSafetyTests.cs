namespace ParNetDetect.Cli.Tests;

/// <summary>
/// Nothing the user had is lost: every verb refuses an existing output unless --force, and never writes over one of
/// its inputs, not even with --force (exit 1, the message names the file and the flag).
/// </summary>
public sealed class OutputSafetyTests : IDisposable
{
    readonly SynthData _data = new();

    public void Dispose() => _data.Dispose();

    static void AssertRefused(DetectResult result, string file, string why)
    {
        Assert.True(result.Code == 1, result.ToString());
        Assert.Contains(file, result.Err);
        Assert.Contains(why, result.Err);
    }

    [Fact]
    public void ValNeverWritesItsDetectionsOverTheGroundTruth()
    {
        byte[] truth = File.ReadAllBytes(_data.ValTruth);
        foreach (string force in new[] { "--force=false", "--force" })
        {
            var result = DetectProcess.Run("val", "--data", _data.Data, "--weights", "demo", "--img", "64", "--workers", "1",
                "--save-json", _data.ValTruth, force);
            AssertRefused(result, _data.ValTruth, "an input");
            Assert.Equal(truth, File.ReadAllBytes(_data.ValTruth));
        }
    }

    [Fact]
    public void ValReplacesExistingMetricsOnlyWithForce()
    {
        string metrics = _data.Path("metrics.json");
        File.WriteAllText(metrics, "mine");
        string[] val = ["val", "--data", _data.Data, "--weights", "demo", "--img", "64", "--workers", "1", "--json", metrics];
        AssertRefused(DetectProcess.Run(val), metrics, "--force");
        Assert.Equal("mine", File.ReadAllText(metrics));

        var forced = DetectProcess.Run([.. val, "--force"]);
        Assert.True(forced.Code == 0, forced.ToString());
        Assert.Contains("\"stats\"", File.ReadAllText(metrics));
    }

    [Fact]
    public void ValDoesNotWriteTwoOutputsToOneFile()
    {
        string file = _data.Path("both.json");
        var result = DetectProcess.Run("val", "--data", _data.Data, "--weights", "demo", "--img", "64", "--workers", "1",
            "--save-json", file, "--json", file);
        AssertRefused(result, file, "--save-json");
    }

    [Fact]
    public void PredictNeverWritesAnnotatedCopiesOverItsSourceImages()
    {
        string images = Path.GetDirectoryName(_data.ValImage(0))!;
        byte[] original = File.ReadAllBytes(_data.ValImage(0));
        var result = DetectProcess.Run("predict", "--weights", "demo", "--source", images, "--out", images, "--force");
        AssertRefused(result, _data.ValImage(0), "an input");
        Assert.Equal(original, File.ReadAllBytes(_data.ValImage(0)));
    }

    [Fact]
    public void TrainStartsOverOnlyWithForceAndNeverDeletesItsInputs()
    {
        string run = _data.Path("run");
        Directory.CreateDirectory(run);
        string last = Path.Combine(run, "last.ckpt");
        File.WriteAllText(last, "a run");
        string[] train = ["train", "--data", _data.Data, "--epochs", "1", "--img", "64", "--out", run];
        var refused = DetectProcess.Run(train);
        AssertRefused(refused, last, "--force");
        Assert.Contains("--resume", refused.Err);

        // Weights given as an input that sit where the run would write best.ckpt are not deleted by --force.
        string weights = Path.Combine(run, "best.ckpt");
        File.WriteAllText(weights, "weights");
        AssertRefused(DetectProcess.Run([.. train, "--pretrained", weights, "--force"]), weights, "an input");
        Assert.Equal("weights", File.ReadAllText(weights));
        Assert.Equal("a run", File.ReadAllText(last));
    }

    [Fact]
    public void SynthVideoRefusesAnExistingTruthFileWithoutForce()
    {
        string video = _data.Path("demo.avi"), truth = _data.Path("demo.json");
        File.WriteAllText(truth, "mine");
        AssertRefused(DetectProcess.Run("synth", "--video", video, "--frames", "2", "--width", "64", "--height", "64"),
            truth, "--force");
        Assert.Equal("mine", File.ReadAllText(truth));
    }

    [Fact]
    public void DataPreviewNeverWritesOverADatasetImage()
    {
        byte[] original = File.ReadAllBytes(_data.TrainImage(0));
        var result = DetectProcess.Run("data", "preview", "--data", _data.Data, "--out", _data.TrainImage(0), "--count", "1",
            "--size", "64", "--force");
        AssertRefused(result, _data.TrainImage(0), "an input");
        Assert.Equal(original, File.ReadAllBytes(_data.TrainImage(0)));
    }
}
