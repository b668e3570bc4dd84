using System.Text.Json.Nodes;
using ParNetDetect.Training;

namespace ParNetDetect.Cli.Tests;

/// <summary>
/// val and train never skip data silently: one "data:" line names what was skipped and why, the metrics JSON and the
/// run folder record it, and --strict fails at the first problem instead (exit 1, naming the file or line).
/// </summary>
public sealed class DataProblemTests : IDisposable
{
    readonly SynthData _data = new();

    public void Dispose() => _data.Dispose();

    static string DataLine(DetectResult result) =>
        result.Out.Split('\n').SingleOrDefault(l => l.StartsWith("data: ")) ?? throw new Xunit.Sdk.XunitException($"no data: line\n{result}");

    /// <summary>The command's own error line (libjpeg also writes its warnings to stderr).</summary>
    static string ErrorLine(DetectResult result, string verb) =>
        result.Err.Split('\n').SingleOrDefault(l => l.StartsWith($"detect {verb}: ")) ?? throw new Xunit.Sdk.XunitException($"no error line\n{result}");

    string[] Train(string data, string run) =>
        ["train", "--data", data, "--out", _data.Path(run), "--epochs", "1", "--img", "64", "--batch", "2", "--nominal-batch", "2",
         "--workers", "1", "--no-augment", "--val-every", "0"];

    [Fact]
    public void ValNamesACorruptImageInItsOutputAndMetricsAndStrictFailsOnIt()
    {
        string corrupt = _data.ValImage(1);
        SynthData.Corrupt(corrupt);
        string metrics = _data.Path("metrics.json");
        string[] val = ["val", "--data", _data.Data, "--weights", "demo", "--img", "64", "--workers", "1"];

        var result = DetectProcess.Run([.. val, "--json", metrics]);
        Assert.True(result.Code == 0, result.ToString());
        Assert.Contains($"unreadable or corrupt image: {corrupt}", DataLine(result));
        var issues = JsonNode.Parse(File.ReadAllText(metrics))!["data_issues"]!;
        Assert.Equal(1, (int)issues["total"]!);
        Assert.Equal(corrupt, (string)issues["kinds"]![0]!["examples"]![0]!);

        var strict = DetectProcess.Run([.. val, "--strict"]);
        Assert.True(strict.Code == 1, strict.ToString());
        Assert.StartsWith($"detect val: {corrupt}: unreadable or corrupt image", ErrorLine(strict, "val"));
    }

    [Fact]
    public void TrainNamesACorruptImageInItsOutputAndRunFolderAndStrictFailsOnIt()
    {
        string corrupt = _data.TrainImage(2);
        SynthData.Corrupt(corrupt);

        var result = DetectProcess.Run(Train(_data.Data, "run"));
        Assert.True(result.Code == 0, result.ToString());
        Assert.Contains($"unreadable or corrupt image: {corrupt}", DataLine(result));
        var issues = JsonNode.Parse(File.ReadAllText(_data.Path($"run/{TrainingRun.DataIssuesFile}")))!;
        Assert.Equal(corrupt, (string)issues["kinds"]![0]!["examples"]![0]!);

        var strict = DetectProcess.Run([.. Train(_data.Data, "strict"), "--strict"]);
        Assert.True(strict.Code == 1, strict.ToString());
        Assert.StartsWith($"detect train: {corrupt}: unreadable or corrupt image", ErrorLine(strict, "train"));
    }

    [Fact]
    public void TrainNamesAMalformedLabelLineAndStrictFailsOnItBeforeTraining()
    {
        string yaml = _data.WriteYolo();
        string labels = _data.Path("yolo/labels/000001.txt");
        int line = File.ReadAllLines(labels).Length + 1;
        File.AppendAllText(labels, "2 0.5 half 0.2 0.2\n");

        var result = DetectProcess.Run(Train(yaml, "run"));
        Assert.True(result.Code == 0, result.ToString());
        Assert.Contains($"malformed label line (skipped): {labels}:{line}", DataLine(result));

        // Refused before anything is written: even with --force, the earlier run is still there.
        var strict = DetectProcess.Run([.. Train(yaml, "run"), "--strict", "--force"]);
        Assert.True(strict.Code == 1, strict.ToString());
        Assert.StartsWith($"detect train: {labels}:{line}: malformed label line", ErrorLine(strict, "train"));
        Assert.True(File.Exists(_data.Path($"run/{TrainingRun.LastFile}")));
    }
}
