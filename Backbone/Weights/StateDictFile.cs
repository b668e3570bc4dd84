using System.Collections;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace ParNetDetect.Backbone.Weights;

/// <summary>On-disk formats of a state dict (name -> tensor).</summary>
public enum WeightsFormat
{
    /// <summary>TorchSharp's own format (<c>Module.save</c>/<c>Module.load</c>); any extension but the two below.</summary>
    TorchSharp,
    /// <summary>A PyTorch zip pickle read by <c>torch.load</c> (<c>.pt</c>, <c>.pth</c>, <c>.pth.tar</c>, <c>.bin</c>).</summary>
    PyTorch,
    /// <summary>safetensors (<c>.safetensors</c>).</summary>
    Safetensors,
}

/// <summary>
/// Reads and writes state dicts in the three formats and loads them into a module with a strict check: every key
/// the module has must be present with the same shape, and the file may hold no others. Errors name the file, the
/// first offending key and both shapes. Nothing is overwritten unless asked.
/// </summary>
public static class StateDictFile
{
    /// <summary>The format a file name asks for when writing.</summary>
    public static WeightsFormat FormatForPath(string path)
    {
        string name = Path.GetFileName(path).ToLowerInvariant();
        if (name.EndsWith(".safetensors")) return WeightsFormat.Safetensors;
        if (name.EndsWith(".pt") || name.EndsWith(".pth") || name.EndsWith(".pth.tar") || name.EndsWith(".bin"))
            return WeightsFormat.PyTorch;
        return WeightsFormat.TorchSharp;
    }

    /// <summary>The format of an existing file, from its first bytes (a zip is PyTorch's; a little-endian header length
    /// followed by '{' is safetensors; anything else is taken as TorchSharp's).</summary>
    public static WeightsFormat SniffFormat(string path)
    {
        using var stream = File.OpenRead(path);
        Span<byte> head = stackalloc byte[9];
        int n = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        if (n >= 4 && head[0] == (byte)'P' && head[1] == (byte)'K' && head[2] == 3 && head[3] == 4) return WeightsFormat.PyTorch;
        if (n == 9 && head[8] == (byte)'{' && BitConverter.ToUInt64(head[..8]) < (ulong)stream.Length) return WeightsFormat.Safetensors;
        return WeightsFormat.TorchSharp;
    }

    /// <summary>
    /// Reads every tensor of a weights file (format sniffed). A PyTorch checkpoint that wraps its weights (timm's
    /// <c>{"state_dict": ..., "state_dict_ema": ..., "optimizer": ...}</c>) yields the inner dict named by
    /// <paramref name="preferredEntry"/>, else "state_dict". The caller disposes the tensors.
    /// </summary>
    public static Dictionary<string, Tensor> Read(string path, string preferredEntry = "state_dict")
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"weights file '{path}' does not exist.", path);
        try
        {
            return SniffFormat(path) switch
            {
                WeightsFormat.PyTorch => ReadPyTorch(path, preferredEntry),
                WeightsFormat.Safetensors => Safetensors.LoadStateDict(path),
                _ => ReadTorchSharp(path),
            };
        }
        catch (Exception e) when (e is not InvalidDataException and not FileNotFoundException)
        {
            throw new InvalidDataException($"weights file '{path}' could not be read: {e.Message}", e);
        }
    }

    static Dictionary<string, Tensor> ReadPyTorch(string path, string preferredEntry)
    {
        Hashtable top = PyTorchUnpickler.UnpickleStateDict(path);
        var weights = top[preferredEntry] as Hashtable ?? top["state_dict"] as Hashtable ?? top;
        var result = new Dictionary<string, Tensor>();
        foreach (DictionaryEntry entry in weights)
        {
            if (entry.Value is Tensor t) result[(string)entry.Key] = t;
            else if (ReferenceEquals(weights, top)) continue; // other checkpoint fields (epoch, args, ...)
            else throw new InvalidDataException($"weights file '{path}': entry '{entry.Key}' is not a tensor.");
        }
        if (result.Count == 0)
            throw new InvalidDataException($"weights file '{path}' holds no tensors (top-level keys: " +
                                           $"{string.Join(", ", top.Keys.Cast<object>())}).");
        return result;
    }

    static Dictionary<string, Tensor> ReadTorchSharp(string path)
    {
        using var reader = new BinaryReader(File.OpenRead(path));
        long count = DecodeLeb128(reader);
        if (count is < 0 or > 1_000_000) throw new InvalidDataException($"weights file '{path}' is not a weights file (bad entry count).");
        var result = new Dictionary<string, Tensor>();
        for (long i = 0; i < count; i++)
        {
            string key = reader.ReadString();
            result[key] = Tensor.Load(reader);
        }
        return result;
    }

    // TorchSharp's Module.save writes counts as LEB128 (its codec is internal).
    static long DecodeLeb128(BinaryReader reader)
    {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            byte b = reader.ReadByte();
            value |= (long)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return value;
        }
        throw new InvalidDataException("bad LEB128 count.");
    }

    /// <summary>
    /// Writes a state dict in the format the path's extension names (<see cref="FormatForPath"/>). An existing file is
    /// kept unless <paramref name="overwrite"/>; the file is written beside the target and renamed, so a failed write
    /// never leaves a truncated file in its place.
    /// </summary>
    public static void Write(string path, IReadOnlyDictionary<string, Tensor> stateDict, bool overwrite = false)
    {
        if (File.Exists(path) && !overwrite)
            throw new IOException($"'{path}' already exists; pass overwrite (--force) to replace it.");
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temp = full + ".partial";
        // Files hold dense tensors: a view or a channels-last tensor (a ParNet tap) is written as its values.
        var dict = stateDict.ToDictionary(kv => kv.Key, kv => kv.Value.detach().cpu().contiguous());
        try
        {
            switch (FormatForPath(path))
            {
                case WeightsFormat.PyTorch:
                    using (var stream = File.Create(temp)) PyTorchPickler.PickleStateDict(stream, dict);
                    break;
                case WeightsFormat.Safetensors:
                    using (var stream = File.Create(temp)) Safetensors.SaveStateDict(stream, dict);
                    break;
                default:
                    using (var writer = new BinaryWriter(File.Create(temp))) nn.Module.save_state_dict(writer, dict);
                    break;
            }
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
            foreach (var t in dict.Values) t.Dispose();
        }
    }

    /// <summary>
    /// Copies <paramref name="weights"/> into <paramref name="module"/>'s parameters and buffers after checking that
    /// keys and shapes match exactly (dtype is converted). <paramref name="source"/> names the file in errors;
    /// <paramref name="hint"/> may add advice for a key mismatch (e.g. fused vs unfused).
    /// </summary>
    public static void LoadInto(nn.Module module, IReadOnlyDictionary<string, Tensor> weights, string source, string? hint = null)
    {
        var target = module.state_dict();
        foreach (var (key, tensor) in target)
        {
            if (!weights.TryGetValue(key, out var loaded))
                throw new InvalidDataException(
                    $"weights file '{source}': missing tensor '{key}' (model expects shape {Shape(tensor.shape)}).{Hint(hint)}");
            if (!loaded.shape.SequenceEqual(tensor.shape))
                throw new InvalidDataException(
                    $"weights file '{source}': tensor '{key}' has shape {Shape(loaded.shape)} in the file, " +
                    $"the model expects {Shape(tensor.shape)}.{Hint(hint)}");
        }
        var unexpected = weights.Keys.FirstOrDefault(k => !target.ContainsKey(k));
        if (unexpected != null)
            throw new InvalidDataException(
                $"weights file '{source}': unexpected tensor '{unexpected}' with shape {Shape(weights[unexpected].shape)} " +
                $"(the model has no such key).{Hint(hint)}");

        using var _ = no_grad();
        foreach (var (key, tensor) in target) tensor.copy_(weights[key]);
    }

    static string Shape(long[] shape) => "[" + string.Join(", ", shape) + "]";

    static string Hint(string? hint) => hint is null ? "" : " " + hint;
}
