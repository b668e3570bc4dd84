using System.Text.Json;

namespace ParNetDetect.Cli.Tests;

/// <summary>`detect export`, and exported graphs running in val through the ONNX Runtime backend.</summary>
public sealed class ExportTests : IDisposable
{
    readonly SynthData _data = new(trainImages: 8, valImages: 12);

    public void Dispose() => _data.Dispose();

    static double Map(string metricsFile) =>
        JsonDocument.Parse(File.ReadAllText(metricsFile)).RootElement.GetProperty("map50_95").GetDouble();

    [Fact]
    public void AnExportedGraphEvaluatesAsTheCheckpointDoes()
    {
        string onnx = _data.Path("demo.onnx");
        var export = DetectProcess.Run("export", "--weights", "demo", "--out", onnx);
        Assert.True(export.Code == 0, export.ToString());
        Assert.Matches(@"opset 17, \d+ nodes, [\d,]+ parameters, [\d.]+ MB", export.Out);

        var torch = DetectProcess.Run("val", "--data", _data.Data, "--weights", "demo", "--backend", "torch", "--json", _data.Path("torch.json"));
        var graph = DetectProcess.Run("val", "--data", _data.Data, "--weights", onnx, "--json", _data.Path("onnx.json"));
        var converted = DetectProcess.Run("val", "--data", _data.Data, "--weights", "demo", "--backend", "onnx", "--json", _data.Path("converted.json"));
        foreach (var run in new[] { torch, graph, converted }) Assert.True(run.Code == 0, run.ToString());
        double expected = Map(_data.Path("torch.json"));
        Assert.InRange(Map(_data.Path("onnx.json")), expected - 0.002, expected + 0.002);
        Assert.InRange(Map(_data.Path("converted.json")), expected - 0.002, expected + 0.002);
    }

    [Fact]
    public void AnInt8ExportWithoutCalibrationImagesIsAUsageError()
    {
        var result = DetectProcess.Run("export", "--weights", "demo", "--out", _data.Path("int8.onnx"), "--int8");
        Assert.Equal(2, result.Code);
        Assert.Contains("--int8 needs --calib DATA", result.Err);
        Assert.False(File.Exists(_data.Path("int8.onnx")));
    }

    [Fact]
    public void AnInt8GraphCalibratedOnTheDataRunsInPredict()
    {
        string int8 = _data.Path("int8.onnx");
        var export = DetectProcess.Run("export", "--weights", "demo", "--out", int8, "--int8", "--calib", _data.Data, "--calib-images", "8");
        Assert.True(export.Code == 0, export.ToString());
        Assert.Contains("int8: QDQ", export.Out);
        var predict = DetectProcess.Run("predict", "--weights", int8, "--source", _data.ValImage(0), "--no-save");
        Assert.True(predict.Code == 0, predict.ToString());
    }

    [Fact]
    public void AFileThatIsNotAGraphOfOursIsNamedInOneLine()
    {
        string bogus = _data.Path("bogus.onnx");
        File.WriteAllText(bogus, "hello\n");
        var result = DetectProcess.Run("predict", "--weights", bogus, "--source", _data.ValImage(0), "--no-save");
        Assert.Equal(1, result.Code);
        Assert.Equal($"detect predict: {bogus} is not an ONNX file.", result.Err.Trim());
    }

    [Fact]
    public void AGraphWithoutOurMetadataRunsInPredictWithClassesFromAFile()
    {
        string onnx = _data.Path("demo.onnx");
        Assert.Equal(0, DetectProcess.Run("export", "--weights", "demo", "--out", onnx).Code);
        var model = global::Onnx.ModelProto.Parser.ParseFrom(File.ReadAllBytes(onnx));
        model.MetadataProps.Clear();
        string foreign = _data.Path("foreign.onnx");
        File.WriteAllBytes(foreign, Google.Protobuf.MessageExtensions.ToByteArray(model));
        string names = _data.Path("shapes.names");
        File.WriteAllText(names, "Circle\r\nSquare\r\nTriangle\r\nStar\r\nCross\r\nHexagon\r\n\r\n");

        var withoutNames = DetectProcess.Run("predict", "--weights", foreign, "--source", _data.ValImage(0), "--no-save");
        Assert.Equal(1, withoutNames.Code);
        Assert.Contains("--classes NAMES", withoutNames.Err);

        var predict = DetectProcess.Run("predict", "--weights", foreign, "--classes", names, "--source", _data.ValImage(0), "--no-save");
        Assert.True(predict.Code == 0, predict.ToString());
        Assert.Matches("Circle|Square|Triangle|Star|Cross|Hexagon", predict.Out);

        var noNames = DetectProcess.Run("predict", "--weights", foreign, "--classes", " , ", "--source", _data.ValImage(0), "--no-save");
        Assert.Equal(2, noNames.Code);
        Assert.Contains("--classes names no class", noNames.Err);
    }
}
