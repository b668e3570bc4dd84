using System.Text;
using System.Text.Json;
using ParNetDetect.DetectionHead;
using TorchSharp;
using static TorchSharp.torch;

namespace ParNetDetect.Training;

/// <summary>
/// The trainer's additions to a <see cref="Checkpoint"/>: "model" holds the EMA (the weights to predict with),
/// "raw" the weights being trained, "optimizer" the SGD momentum buffers, "state" a <see cref="TrainingState"/>.
/// A checkpoint without the training sections (e.g. best.ckpt, the demo model) still predicts and validates.
/// </summary>
public static class TrainingCheckpoint
{
    public const string RawSection = "raw", OptimizerSection = "optimizer", StateSection = "state";

    // -Infinity is the best fitness before any epoch has been scored.
    static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static void PutOptimizer(Checkpoint c, optim.Optimizer optimizer)
    {
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms, Encoding.UTF8, leaveOpen: true))
            ((TorchSharp.Modules.OptimizerHelper)optimizer).save_state_dict(w);
        c.Sections[OptimizerSection] = ms.ToArray();
    }

    public static void GetOptimizer(Checkpoint c, optim.Optimizer optimizer, string source)
    {
        if (!c.Sections.TryGetValue(OptimizerSection, out var bytes))
            throw new InvalidDataException($"checkpoint {source} holds no optimizer state: it cannot be resumed (only used as weights).");
        try
        {
            using var r = new BinaryReader(new MemoryStream(bytes));
            ((TorchSharp.Modules.OptimizerHelper)optimizer).load_state_dict(r);
        }
        catch (Exception e) when (e is ArgumentException or EndOfStreamException or InvalidDataException)
        {
            throw new InvalidDataException($"checkpoint {source}: its optimizer state does not fit this model ({e.Message}).", e);
        }
    }

    public static void PutState(Checkpoint c, TrainingState state) =>
        c.Sections[StateSection] = JsonSerializer.SerializeToUtf8Bytes(state, Json);

    public static TrainingState GetState(Checkpoint c, string source)
    {
        if (!c.Sections.TryGetValue(StateSection, out var bytes))
            throw new InvalidDataException($"checkpoint {source} holds no training state: it cannot be resumed (only used as weights).");
        try
        {
            return JsonSerializer.Deserialize<TrainingState>(bytes, Json)
                   ?? throw new InvalidDataException($"checkpoint {source}: empty training state.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"checkpoint {source}: unreadable training state ({e.Message}).", e);
        }
    }

    /// <summary>libtorch's default generator state as text (it drives nothing in the loop today, but any future
    /// dropout or random op stays reproducible across a resume).</summary>
    public static string SaveTorchRng()
    {
        using var state = Generator.Default.get_state();
        return Convert.ToBase64String(state.bytes.ToArray());
    }

    public static void RestoreTorchRng(string? base64)
    {
        if (base64 is null) return;
        var bytes = Convert.FromBase64String(base64);
        using var state = tensor(bytes, dtype: ScalarType.Byte);
        Generator.Default.set_state(state);
    }
}
