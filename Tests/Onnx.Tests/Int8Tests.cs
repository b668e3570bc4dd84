using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using Onnx;
using ParNetDetect.Onnx.Graph;
using ParNetDetect.Onnx.Quantization;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace ParNetDetect.Onnx.Tests;

/// <summary>int8 export on a small seeded model: it runs, stays near float32, and follows each QDQ rule.</summary>
public sealed class Int8Tests(ITestOutputHelper output) : TorchTest
{
    const int Size = 96;

    /// <summary>Seeded calibration images (1, 3, size, size) as float arrays.</summary>
    public static IEnumerable<float[]> Calibration(int size, int count)
    {
        for (int i = 0; i < count; i++)
        {
            using var image = TestModels.Images(1, size, size, seed: 100 + i);
            yield return image.data<float>().ToArray();
        }
    }

    static (OnnxExport Float, OnnxExport Int8) Export(Int8Options int8)
    {
        using var model = TestModels.Fused("parnet-n-yolo", classes: 2, seed: 11);
        var info = TestModels.Info(model);
        var options = new OnnxExportOptions { ImageSize = Size };
        return (OnnxExporter.Export(model, info, options),
                OnnxExporter.Export(model, info, options with { Int8 = int8 }, Calibration(Size, count: 8)));
    }

    [Fact]
    public void QuantizedGraphRunsInOnnxRuntimeNearFloat32()
    {
        foreach (var method in Enum.GetValues<CalibrationMethod>())
        {
            var (fp32, int8) = Export(new Int8Options { Method = method });
            using var scope = NewDisposeScope();
            var images = TestModels.Images(1, Size, Size, seed: 3);
            var expected = OrtRunner.Run(fp32.ToBytes(), images, OnnxModelInfo.PredictionsName)[0];
            var actual = OrtRunner.Run(int8.ToBytes(), images, OnnxModelInfo.PredictionsName)[0];
            var (box, prob) = ExportParityTests.Errors(expected, actual);
            var meanProb = (expected[TensorIndex.Ellipsis, 4..] - actual[TensorIndex.Ellipsis, 4..]).abs().mean().item<float>();
            output.WriteLine($"{method}: int8 vs fp32 max box error {box:F4} of scale, max prob error {prob:F4}, mean prob error {meanProb:F5}");
            Assert.Equal("int8", int8.Info.Precision);
            Assert.Contains(method switch
            {
                CalibrationMethod.MinMax => "min-max",
                CalibrationMethod.Entropy => "entropy",
                _ => "percentile 99.999",
            }, int8.Info.Quantization);
            // Entropy's ranges clip the tails of every map, which adds up when all of them are uint8 (docs/onnx.md).
            float meanBound = method == CalibrationMethod.Entropy ? 0.02f : 0.005f;
            Assert.True(box < 0.05 && prob < 0.05 && meanProb < meanBound, $"{method}: box {box}, prob {prob}, mean prob {meanProb}");
        }
    }

    [Fact]
    public void OnnxRuntimeRunsEveryQuantizedConvAndMapOperationAsAnIntegerKernel()
    {
        var (_, int8) = Export(new Int8Options());
        int quantized = int8.Model.Graph.Node.Count(n => n.OpType == "Conv" && n.Input[1].EndsWith(".qdq.dequantized"));
        string optimized = Path.Combine(Path.GetTempPath(), $"int8-optimized-{Environment.ProcessId}.onnx");
        try
        {
            using (var options = new SessionOptions
            {
                GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
                OptimizedModelFilePath = optimized, LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR
            })
            using (new InferenceSession(int8.ToBytes(), options)) { }
            var ops = ModelProto.Parser.ParseFrom(File.ReadAllBytes(optimized)).Graph.Node.GroupBy(n => n.OpType)
                .ToDictionary(g => g.Key, g => g.Count());
            output.WriteLine(string.Join(", ", ops.OrderByDescending(o => o.Value).Select(o => $"{o.Key} {o.Value}")));
            Assert.Equal(quantized, ops.GetValueOrDefault("QLinearConv"));
            // So do the map operations between them: every one whose inputs are all dequantized and whose output is
            // quantized runs as its QLinear kernel, so the maps stay uint8 from conv to conv.
            foreach (string op in new[] { "Add", "Mul", "Sigmoid", "Concat", "GlobalAveragePool" })
            {
                int between = int8.Model.Graph.Node.Count(n => n.OpType == op && BetweenQuantizeDequantize(int8.Model.Graph, n));
                Assert.True(between > 0, $"no quantized {op}");
                Assert.Equal(between, ops.GetValueOrDefault("QLinear" + op));
            }
            // The float gate and output convs remain (fused with their activation where one follows).
            Assert.Equal(int8.Model.Graph.Node.Count(n => n.OpType == "Conv") - quantized,
                ops.GetValueOrDefault("Conv") + ops.GetValueOrDefault("FusedConv"));
        }
        finally
        {
            File.Delete(optimized);
        }
    }

    [Fact]
    public void WeightsAreInt8PerOutputChannelWithZeroZeroPoints()
    {
        var (fp32, int8) = Export(new Int8Options());
        var floats = fp32.Model.Graph.Initializer.ToDictionary(t => t.Name);
        var ints = int8.Model.Graph.Initializer.ToDictionary(t => t.Name);
        var weightDequantizers = int8.Model.Graph.Node.Where(n => n.OpType == "DequantizeLinear" && n.Input[0].EndsWith(".weight.qdq.quantized")).ToList();
        Assert.NotEmpty(weightDequantizers);
        foreach (var dq in weightDequantizers)
        {
            var q = ints[dq.Input[0]];
            var w = floats[dq.Input[0][..^".qdq.quantized".Length]];
            Assert.Equal((int)TensorProto.Types.DataType.Int8, q.DataType);
            Assert.Equal(w.Dims, q.Dims);
            Assert.Equal(0L, dq.Attribute.Single(a => a.Name == "axis").I);
            var scales = Floats(ints[dq.Input[1]]);
            var zeroPoint = ints[dq.Input[2]];
            Assert.Equal((int)TensorProto.Types.DataType.Int8, zeroPoint.DataType);
            Assert.Equal([w.Dims[0]], zeroPoint.Dims);
            Assert.All(zeroPoint.RawData.ToByteArray(), b => Assert.Equal(0, b));
            var values = Floats(w);
            var quantized = MemoryMarshal.Cast<byte, sbyte>(q.RawData.Span).ToArray();
            int per = values.Length / scales.Length;
            for (int c = 0; c < scales.Length; c++)
            {
                var row = values.AsSpan(c * per, per).ToArray();
                float absMax = row.Max(Math.Abs);
                Assert.Equal(absMax / 127, scales[c], 1e-6f * absMax);
                var rowQ = quantized.AsSpan(c * per, per).ToArray();
                Assert.Equal(127, rowQ.Max(v => Math.Abs((int)v)));   // symmetric: the largest weight maps to +-127
                for (int i = 0; i < per; i++) Assert.Equal(row[i], rowQ[i] * scales[c], scales[c] / 2 + 1e-7f);
            }
        }
    }

    [Fact]
    public void ActivationsAreUint8PerTensorWithZeroInTheRange()
    {
        var (_, int8) = Export(new Int8Options());
        var ints = int8.Model.Graph.Initializer.ToDictionary(t => t.Name);
        var quantizers = int8.Model.Graph.Node.Where(n => n.OpType == "QuantizeLinear").ToList();
        Assert.NotEmpty(quantizers);
        foreach (var q in quantizers)
        {
            var scale = ints[q.Input[1]];
            var zeroPoint = ints[q.Input[2]];
            Assert.Empty(scale.Dims);
            Assert.Empty(zeroPoint.Dims);
            Assert.Equal((int)TensorProto.Types.DataType.Uint8, zeroPoint.DataType);
            Assert.True(Floats(scale)[0] > 0);
            // Each QuantizeLinear feeds exactly one DequantizeLinear with the same parameters.
            var dq = Assert.Single(int8.Model.Graph.Node, n => n.Input.Count > 0 && n.Input[0] == q.Output[0]);
            Assert.Equal("DequantizeLinear", dq.OpType);
            Assert.Equal(q.Input.Skip(1), dq.Input.Skip(1));
        }
    }

    [Fact]
    public void BiasesAreInt32AtInputScaleTimesWeightScale()
    {
        var (fp32, int8) = Export(new Int8Options());
        var floats = fp32.Model.Graph.Initializer.ToDictionary(t => t.Name);
        var ints = int8.Model.Graph.Initializer.ToDictionary(t => t.Name);
        var producers = int8.Model.Graph.Node.ToDictionary(n => n.Output[0]);
        var convs = int8.Model.Graph.Node.Where(n => n.OpType == "Conv" && n.Input[1].EndsWith(".qdq.dequantized")).ToList();
        Assert.NotEmpty(convs);
        foreach (var conv in convs)
        {
            var inputScale = Floats(ints[producers[conv.Input[0]].Input[1]])[0];
            var weightScales = Floats(ints[producers[conv.Input[1]].Input[1]]);
            var biasDq = producers[conv.Input[2]];
            var q = ints[biasDq.Input[0]];
            Assert.Equal((int)TensorProto.Types.DataType.Int32, q.DataType);
            Assert.Equal((int)TensorProto.Types.DataType.Int32, ints[biasDq.Input[2]].DataType);
            var scales = Floats(ints[biasDq.Input[1]]);
            var bias = Floats(floats[biasDq.Input[0][..^".qdq.quantized".Length]]);
            var values = MemoryMarshal.Cast<byte, int>(q.RawData.Span).ToArray();
            for (int c = 0; c < scales.Length; c++)
            {
                Assert.Equal(inputScale * weightScales[c], scales[c]);
                Assert.Equal(bias[c], values[c] * scales[c], scales[c] / 2 + 1e-6f * Math.Abs(bias[c]));
            }
        }
    }

    [Fact]
    public void GateConvsStayFloatAndOutputConvsAreQuantizedOnlyWhenAsked()
    {
        int Quantized(OnnxExport e) => e.Model.Graph.Node.Count(n => n.OpType == "Conv" && n.Input[1].EndsWith(".qdq.dequantized"));
        var (fp32, int8) = Export(new Int8Options());
        var (_, withOutputs) = Export(new Int8Options { QuantizeOutputConvs = true });
        var convs = fp32.Model.Graph.Node.Where(n => n.OpType == "Conv").ToList();
        int gates = convs.Count(n => n.Name.EndsWith(".gate"));
        int outputs = convs.Count(n => n.Name.StartsWith("head.predict."));
        Assert.Equal(3, outputs);
        Assert.True(gates > 0);
        Assert.Equal(convs.Count - gates - outputs, Quantized(int8));
        Assert.Equal(convs.Count - gates, Quantized(withOutputs));
        Assert.All(int8.Model.Graph.Node.Where(n => n.OpType == "Conv" && n.Name.EndsWith(".gate")),
            n => Assert.DoesNotContain(".qdq.", string.Join(" ", n.Input.Skip(1))));
        Assert.Contains("output convs float", int8.Info.Quantization);
        Assert.Contains("output convs int8", withOutputs.Info.Quantization);
    }

    [Fact]
    public void Int8WithoutCalibrationImagesIsOneLine()
    {
        using var model = TestModels.Fused("parnet-n-yolo", classes: 1, seed: 1);
        var info = TestModels.Info(model);
        var options = new OnnxExportOptions { ImageSize = 64, Int8 = new Int8Options() };
        const string message = "int8 export needs calibration images (--calib DATA); none were given.";
        Assert.Equal(message, Assert.Throws<ArgumentException>(() => OnnxExporter.Export(model, info, options)).Message);
        Assert.Equal(message, Assert.Throws<ArgumentException>(() => OnnxExporter.Export(model, info, options, Array.Empty<float[]>())).Message);
        var e = Assert.Throws<ArgumentException>(() => OnnxExporter.Export(model, info, options, [new float[10]]));
        Assert.Equal("calibration image 0 has 10 values; a (1, 3, 64, 64) input has 12288.", e.Message);
    }

    [Fact]
    public void TensorCalibrationImagesGiveTheSameGraph()
    {
        using var model = TestModels.Fused("parnet-n-yolo", classes: 1, seed: 1);
        var info = TestModels.Info(model);
        var options = new OnnxExportOptions { ImageSize = 64, Int8 = new Int8Options() };
        var fromArrays = OnnxExporter.Export(model, info, options, Calibration(64, 2));
        var tensors = Enumerable.Range(0, 2).Select(i => TestModels.Images(1, 64, 64, seed: 100 + i)).ToList();
        var fromTensors = OnnxExporter.Export(model, info, options, tensors);
        foreach (var t in tensors) t.Dispose();
        Assert.Equal(fromArrays.ToBytes(), fromTensors.ToBytes());
    }

    static bool BetweenQuantizeDequantize(GraphProto graph, NodeProto node) =>
        QuantizedNodes.DataInputs(node).All(i => i.EndsWith(".qdq.dequantized"))
        && graph.Node.Any(n => n.OpType == "QuantizeLinear" && n.Input[0] == node.Output[0]);

    static float[] Floats(TensorProto t) => MemoryMarshal.Cast<byte, float>(t.RawData.Span).ToArray();
}
