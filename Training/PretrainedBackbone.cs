using ParNetDetect.Backbone;
using ParNetDetect.Backbone.Weights;
using ParNetDetect.DetectionHead;
using static TorchSharp.torch;

namespace ParNetDetect.Training;

/// <summary>
/// ImageNet-pretrained ParNet weights into a detector's backbone. A file with a classifier (an official checkpoint,
/// or ours saved with 1000 classes) is read into an ImageNet-shaped ParNet whose classifier is then left behind; a
/// backbone-only file loads directly. Key and shape mismatches fail with the backbone's own messages.
/// </summary>
public static class PretrainedBackbone
{
    public static void Load(YoloDetector detector, string path)
    {
        using var imagenet = ParNet.Create(detector.Variant.Backbone,
            new ParNetOptions { NumClasses = 1000, Activation = detector.Backbone.Options.Activation });
        try
        {
            ParNetWeights.Load(imagenet, path);
        }
        catch (InvalidDataException withClassifier)
        {
            try { ParNetWeights.Load(detector.Backbone, path); }
            catch (InvalidDataException withoutClassifier)
            {
                throw new InvalidDataException($"{path} fits {detector.Variant.Backbone} neither with an ImageNet classifier " +
                                               $"({withClassifier.Message}) nor without ({withoutClassifier.Message}).");
            }
            return;
        }
        using var _ = no_grad();
        var target = detector.Backbone.state_dict();
        foreach (var (key, value) in imagenet.state_dict())
            if (target.TryGetValue(key, out var t)) t.copy_(value);
    }
}
