using static TorchSharp.torch;

namespace ParNetDetect.Backbone;

/// <summary>
/// Size and cost of one variant at one input size, as `detect info` reports it. Parameter counts are trainable
/// parameters; "with classifier" means the 1000-class ImageNet head the paper counts. MACs count conv and linear
/// multiply-accumulates of the backbone (no classifier) at <see cref="ImageSize"/>, elementwise ops excluded.
/// </summary>
public sealed record ParNetSummary(
    string Name,
    string Description,
    int ImageSize,
    long Params,
    long ParamsFused,
    long BackboneParams,
    long BackboneParamsFused,
    long Macs,
    long MacsFused,
    long[] P3Shape,
    long[] P4Shape,
    long[] P5Shape)
{
    /// <summary>
    /// Builds the variant (ImageNet head) on the meta device (shapes only, no memory or initialisation cost), counts,
    /// fuses, counts again. Switches the process-wide default device while it runs: not for use beside other torch work.
    /// </summary>
    public static ParNetSummary Of(string name, int imageSize)
    {
        var previousDevice = get_default_device();
        set_default_device(META);
        try
        {
            return Count(name, imageSize);
        }
        finally
        {
            set_default_device(previousDevice);
        }
    }

    static ParNetSummary Count(string name, int imageSize)
    {
        using var scope = NewDisposeScope();
        using var model = ParNet.Create(name, ParNetOptions.ImageNet);
        long parameters = model.TrainableParameterCount(), backbone = model.BackboneParameterCount();
        long macs = model.Macs(imageSize, imageSize, includeClassifier: false);
        model.Fuse();
        var (p3, p4, p5) = model.FeatureShapes(imageSize, imageSize);
        return new ParNetSummary(name, model.Variant.Description, imageSize, parameters, model.TrainableParameterCount(),
            backbone, model.BackboneParameterCount(), macs, model.Macs(imageSize, imageSize, includeClassifier: false), p3, p4, p5);
    }
}
