using System.Text.Json;

namespace ParNetDetect.Cli.Tests;

/// <summary>`detect benchmark`: every backend asked for, its latency and (with data) accuracy, as a table and JSON.</summary>
public sealed class BenchmarkTests : IDisposable
{
    readonly SynthData _data = new(trainImages: 4, valImages: 4);

    public void Dispose() => _data.Dispose();

    [Fact]
    public void EachBackendAndSizeGetsARowWithTheDocumentedFields()
    {
        string json = _data.Path("bench.json");
        var result = DetectProcess.Run("benchmark", "--weights", "demo", "--img", "64,96", "--backends", "torch,onnx,onnx-int8",
            "--data", _data.Data, "--runs", "2", "--json", json);
        Assert.True(result.Code == 0, result.ToString());
        var rows = JsonDocument.Parse(File.ReadAllText(json)).RootElement.EnumerateArray().ToList();
        Assert.Equal(["torch@64", "onnx@64", "onnx-int8@64", "torch@96", "onnx@96", "onnx-int8@96"],
            rows.Select(r => $"{r.GetProperty("backend").GetString()}@{r.GetProperty("img").GetInt32()}"));
        foreach (var row in rows)
        {
            Assert.Equal(1, row.GetProperty("batch").GetInt32());
            Assert.True(row.GetProperty("ms_median").GetDouble() > 0);
            Assert.True(row.GetProperty("ms_p90").GetDouble() >= row.GetProperty("ms_median").GetDouble());
            Assert.True(row.GetProperty("fps").GetDouble() > 0);
            Assert.InRange(row.GetProperty("map50_95").GetDouble(), 0, 1);
            Assert.InRange(row.GetProperty("map50").GetDouble(), 0, 1);
        }
        Assert.Contains("backend    img  batch  ms median", result.Out);
    }

    [Fact]
    public void WithoutDataAccuracyIsNullAndInt8IsAUsageError()
    {
        string json = _data.Path("bench.json");
        var result = DetectProcess.Run("benchmark", "--weights", "demo", "--img", "64", "--backends", "onnx", "--runs", "2", "--json", json);
        Assert.True(result.Code == 0, result.ToString());
        var row = JsonDocument.Parse(File.ReadAllText(json)).RootElement[0];
        Assert.Equal(JsonValueKind.Null, row.GetProperty("map50_95").ValueKind);

        var int8 = DetectProcess.Run("benchmark", "--weights", "demo", "--backends", "onnx-int8");
        Assert.Equal(2, int8.Code);
        Assert.Contains("onnx-int8 needs --data", int8.Err);
    }
}
