using Microsoft.ML.OnnxRuntime;
using static TorchSharp.torch;

namespace ParNetDetect.Onnx.Tests;

/// <summary>Runs an ONNX model in ONNX Runtime (CPU, default optimizations) on a float input tensor.</summary>
static class OrtRunner
{
    public static Tensor[] Run(byte[] model, Tensor input, params string[] outputs)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 2, LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
        using var session = new InferenceSession(model, options);
        using var contiguous = input.contiguous();
        float[] data = contiguous.data<float>().ToArray();
        using var value = OrtValue.CreateTensorValueFromMemory(data, input.shape);
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, [OnnxModelInfo.InputName], [value], outputs);
        return results.Select(r =>
        {
            long[] shape = r.GetTensorTypeAndShape().Shape;
            return tensor(r.GetTensorDataAsSpan<float>().ToArray(), shape);
        }).ToArray();
    }
}
