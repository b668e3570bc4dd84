using ParNetDetect.DetectionHead;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace ParNetDetect.Onnx.Tests;

/// <summary>
/// ONNX Runtime on the exported graph against TorchSharp's fused <see cref="YoloDetector.Predict"/>, every variant:
/// fixed 320 and dynamic at a non-square size. Errors are relative to the output's scale: box coordinates to the
/// largest coordinate, probabilities (scale 1) absolute.
/// </summary>
public sealed class ExportParityTests(ITestOutputHelper output) : TorchTest
{
    public const double Tolerance = 1e-4;

    [Theory]
    [MemberData(nameof(TestModels.Variants), MemberType = typeof(TestModels))]
    public void MatchesPredictFixedAndDynamic(string name)
    {
        using var model = TestModels.Fused(name, classes: 3, seed: 7);
        var info = TestModels.Info(model);
        var fixedSize = OnnxExporter.Export(model, info, new OnnxExportOptions { ImageSize = 320 });
        var dynamic = OnnxExporter.Export(model, info, new OnnxExportOptions { ImageSize = 320, Dynamic = true });

        using var square = TestModels.Images(1, 320, 320, seed: 1);
        var (box, prob) = Compare(model, fixedSize, square);
        using var wide = TestModels.Images(2, 224, 352, seed: 2);
        var (boxDynamic, probDynamic) = Compare(model, dynamic, wide);
        output.WriteLine($"{name}: {fixedSize.NodeCount} nodes; fixed 320: box {box:E2}, prob {prob:E2}; "
            + $"dynamic 2x224x352: box {boxDynamic:E2}, prob {probDynamic:E2}");
        Assert.True(box <= Tolerance && prob <= Tolerance, $"fixed 320: box {box:E2}, prob {prob:E2}");
        Assert.True(boxDynamic <= Tolerance && probDynamic <= Tolerance, $"dynamic: box {boxDynamic:E2}, prob {probDynamic:E2}");
    }

    /// <summary>(box error / box scale, probability error) of ONNX Runtime against Predict on one input.</summary>
    public static (double Box, double Prob) Compare(YoloDetector model, OnnxExport export, Tensor images)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var expected = model.Predict(images);
        var actual = OrtRunner.Run(export.ToBytes(), images, OnnxModelInfo.PredictionsName)[0];
        Assert.Equal(expected.shape, actual.shape);
        return Errors(expected, actual);
    }

    public static (double Box, double Prob) Errors(Tensor expected, Tensor actual)
    {
        using var scope = NewDisposeScope();
        var boxes = expected[TensorIndex.Ellipsis, ..4];
        double box = (boxes - actual[TensorIndex.Ellipsis, ..4]).abs().max().item<float>() / boxes.abs().max().item<float>();
        double prob = (expected[TensorIndex.Ellipsis, 4..] - actual[TensorIndex.Ellipsis, 4..]).abs().max().item<float>();
        return (box, prob);
    }
}
