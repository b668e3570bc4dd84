using ParNetDetect.DetectionHead;
using ParNetDetect.Platform;
using TorchSharp;
using static TorchSharp.torch;

namespace ParNetDetect.Inference.Backends;

/// <summary>
/// The TorchSharp backend: a <see cref="YoloDetector"/> on a device, either loaded from a checkpoint (fused, owned)
/// or a live module such as the EMA model during training (not fused, not owned: the trainer keeps training it).
/// </summary>
public sealed class TorchDetectorBackend : IDetectorBackend
{
    readonly bool _ownsModel;

    TorchDetectorBackend(YoloDetector model, CheckpointInfo info, string source, Device device, bool ownsModel)
    {
        Model = model;
        Info = info;
        Source = source;
        Device = device;
        _ownsModel = ownsModel;
    }

    /// <summary>Loads a checkpoint file's model, fuses it and moves it to <paramref name="device"/>.</summary>
    public static TorchDetectorBackend Load(string path, string device = "cpu")
    {
        TorchRuntime.Initialize();
        var checkpoint = Checkpoint.Load(path);
        var model = checkpoint.BuildDetector(path);
        var dev = TorchRuntime.ResolveDevice(device);
        model.Fuse();
        model.to(dev);
        return new TorchDetectorBackend(model, checkpoint.Info, path, dev, ownsModel: true);
    }

    /// <summary>A live module, used as it is (its mode and weights are the caller's); disposing leaves it alone.</summary>
    public static TorchDetectorBackend ForModule(YoloDetector model, CheckpointInfo info, Device device) =>
        new(model, info, $"the {info.Model} being trained", device, ownsModel: false);

    public CheckpointInfo Info { get; }
    public string Source { get; }
    public IReadOnlyList<int> Strides => Model.Anchors.Strides;

    /// <summary>Any side that is a multiple of the largest stride.</summary>
    public void CheckInputSide(int side)
    {
        if (side <= 0 || side % Strides.Max() != 0)
            throw new ArgumentException($"{Source} takes input sides that are multiples of {Strides.Max()}; {side} is not.");
    }

    public YoloDetector Model { get; }
    public Device Device { get; }

    public Tensor Predict(Tensor images)
    {
        using var _ = no_grad();
        return Model.Predict(images.to(Device));
    }

    public void Dispose()
    {
        if (_ownsModel) Model.Dispose();
    }
}
