using static TorchSharp.torch;

namespace ParNetDetect.Backbone.Weights;

/// <summary>Key naming of a ParNet weights file.</summary>
public enum ParNetKeyNaming
{
    /// <summary>This project's names (<c>stem.0.conv3x3.conv.weight</c>, ...), fused or unfused.</summary>
    Ours,
    /// <summary>The official ImageNet code's names (<c>inits.0.0.block.rbr_dense.conv.weight</c>, ...), unfused only.</summary>
    Official,
}

/// <summary>
/// Saving and loading ParNet weights: this project's names in any of the three formats, and the official ImageNet
/// checkpoints (detected by their key names) through <see cref="OfficialParNetNames"/>.
/// </summary>
public static class ParNetWeights
{
    /// <summary>
    /// Loads weights into <paramref name="model"/>. Official checkpoints (timm wrapper, "module." prefixes and all) are
    /// recognised by their keys and renamed; the model must then be unfused, and its activation should be ReLU, which
    /// the released checkpoints were trained with. Missing, unexpected or mis-shaped tensors fail naming the key.
    /// </summary>
    /// <param name="useEma">For timm checkpoints, take the EMA weights when the file has them.</param>
    public static void Load(ParNet model, string path, bool useEma = false)
    {
        var weights = StateDictFile.Read(path, useEma ? "state_dict_ema" : "state_dict");
        try
        {
            if (OfficialParNetNames.LooksOfficial(weights.Keys))
            {
                if (model.IsFused)
                    throw new InvalidDataException($"weights file '{path}' is an official (unfused) checkpoint: load it before Fuse().");
                var toOurs = OfficialParNetNames.OfficialToOurs(model.state_dict().Keys);
                weights = weights.ToDictionary(
                    kv => toOurs.GetValueOrDefault(OfficialParNetNames.StripDataParallel(kv.Key), "official:" + kv.Key),
                    kv => kv.Value);
            }
            StateDictFile.LoadInto(model, weights, path, FusionHint(model, weights.Keys));
        }
        finally
        {
            foreach (var t in weights.Values) t.Dispose();
        }
    }

    /// <summary>Saves the model's weights (format from the extension, see <see cref="StateDictFile.FormatForPath"/>).</summary>
    public static void Save(ParNet model, string path, ParNetKeyNaming naming = ParNetKeyNaming.Ours, bool overwrite = false)
    {
        var state = model.state_dict();
        if (naming == ParNetKeyNaming.Official)
            state = state.ToDictionary(kv => OfficialParNetNames.ToOfficial(kv.Key), kv => kv.Value);
        StateDictFile.Write(path, state, overwrite);
    }

    static string? FusionHint(ParNet model, IEnumerable<string> fileKeys)
    {
        bool fileFused = fileKeys.Any(k => k.Contains(".reparam."));
        if (fileFused == model.IsFused) return null;
        return fileFused
            ? "The file holds fused weights: call Fuse() on the model before loading."
            : "The file holds unfused weights: load them before Fuse().";
    }
}
