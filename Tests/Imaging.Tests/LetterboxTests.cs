using OpenCvSharp;
using ParNetDetect.Platform;
using TorchSharp;
using Scalar = OpenCvSharp.Scalar;

namespace ParNetDetect.Imaging.Tests;

public class LetterboxTests
{
    [Fact]
    public void InfoMapsBoxesThereAndBack()
    {
        var info = LetterboxInfo.Compute(1920, 1080, 640);
        Assert.Equal(1f / 3, info.Scale, 1e-6f);
        Assert.Equal((0f, 140f), (info.PadX, info.PadY));
        var onCanvas = info.ToCanvas(300, 200, 150, 90);
        var back = info.ToOriginal(onCanvas.X, onCanvas.Y, onCanvas.X + onCanvas.Width, onCanvas.Y + onCanvas.Height);
        Assert.Equal(300, back.X1, 1e-3f);
        Assert.Equal(290, back.Y2, 1e-3f);
    }

    [Fact]
    public void FastPathWritesRgbChwIntoTheTensorAndPadsGrey()
    {
        TorchRuntime.Initialize();
        using var bgr = new Mat(100, 200, MatType.CV_8UC3, new Scalar(10, 20, 30)); // B=10, G=20, R=30
        using var letterbox = new LetterboxTransform(64);
        using var tensor = torch.zeros(1, 3, 64, 64);
        var info = letterbox.ToTensor(bgr, tensor);
        Assert.Equal(16f, info.PadY);
        Assert.Equal(30 / 255f, tensor[0, 0, 32, 32].item<float>(), 1e-6f); // R plane first
        Assert.Equal(10 / 255f, tensor[0, 2, 32, 32].item<float>(), 1e-6f);
        Assert.Equal(114 / 255f, tensor[0, 1, 2, 32].item<float>(), 1e-6f); // top padding
    }

    [Fact]
    public void GreyAndBgraFramesAreConvertedAndFloatImagesRefused()
    {
        TorchRuntime.Initialize();
        using var letterbox = new LetterboxTransform(32);
        using var tensor = torch.zeros(3, 32, 32);
        using var grey = new Mat(32, 32, MatType.CV_8UC1, Scalar.All(51));
        letterbox.ToTensor(grey, tensor);
        Assert.Equal(0.2f, tensor[1, 16, 16].item<float>(), 1e-6f);
        using var bgra = new Mat(32, 32, MatType.CV_8UC4, new Scalar(0, 0, 255, 7));
        letterbox.ToTensor(bgra, tensor);
        Assert.Equal(1f, tensor[0, 16, 16].item<float>(), 1e-6f);
        using var floats = new Mat(32, 32, MatType.CV_32FC3);
        Assert.Throws<ArgumentException>(() => letterbox.ToTensor(floats, tensor));
        using var wrongShape = torch.zeros(3, 16, 16);
        Assert.Throws<ArgumentException>(() => letterbox.ToTensor(grey, wrongShape));
    }
}
