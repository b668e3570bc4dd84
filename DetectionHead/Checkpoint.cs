using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using ParNetDetect.Backbone;
using TorchSharp;
using static TorchSharp.torch;

namespace ParNetDetect.DetectionHead;

/// <summary>What a checkpoint says about the model it holds; JSON in the file's header.</summary>
public sealed record CheckpointInfo
{
    /// <summary>Registered detector name, e.g. "parnet-n-yolo".</summary>
    public required string Model { get; init; }
    public required IReadOnlyList<string> ClassNames { get; init; }
    /// <summary>The dataset's category id per class index (COCO results need them).</summary>
    public required IReadOnlyList<int> CategoryIds { get; init; }
    /// <summary>Backbone nonlinearity, "SiLU" or "ReLU".</summary>
    public string Activation { get; init; } = nameof(ParNetActivation.SiLU);
    /// <summary>Network input side it was trained at.</summary>
    public required int ImageSize { get; init; }
    /// <summary>Epochs completed (0 before the first ends).</summary>
    public int Epoch { get; init; }
    public int TotalEpochs { get; init; }
    public double BestFitness { get; init; }
    /// <summary>Free-form: the command that made it, dataset, metrics.</summary>
    public IReadOnlyDictionary<string, string> Notes { get; init; } = new Dictionary<string, string>();

    /// <summary>The model's own minimum score (objectness x class probability) for classes without their own: the
    /// threshold that maximised F1 over every class when calibrated (`detect val --calibrate`), else the interactive
    /// default. Checkpoints written before thresholds existed read the default.</summary>
    public float ScoreThreshold { get; init; } = DetectOptions.Default.ConfidenceThreshold;

    /// <summary>Calibrated minimum score per class index (the threshold that maximised each class's F1), or null:
    /// <see cref="ScoreThreshold"/> for every class.</summary>
    public IReadOnlyList<float>? ClassScoreThresholds { get; init; }

    /// <summary>The input side the thresholds were calibrated at (`detect val --calibrate`, at its --img), or null.
    /// Scores shift with the input size, so the thresholds hold at this side only: see <see cref="InferenceImageSize"/>.</summary>
    public int? CalibratedImageSize { get; init; }

    /// <summary>The side predict, val, export and the service run the model at unless told another: the side its
    /// thresholds were calibrated at, else the side it was trained at.</summary>
    [JsonIgnore]
    public int InferenceImageSize => CalibratedImageSize ?? ImageSize;

    /// <summary>The minimum score of a class: its calibrated threshold, else the overall one.</summary>
    public float ScoreThresholdFor(int classIndex) => ClassScoreThresholds?[classIndex] ?? ScoreThreshold;

    /// <summary>The thresholds in one line: "circle 0.41, square 0.38 (overall 0.4) at 512 px", or "0.25 for every class
    /// (not calibrated)".</summary>
    public string DescribeScoreThresholds() => ClassScoreThresholds is { } perClass
        ? string.Join(", ", ClassNames.Select((name, c) => string.Create(CultureInfo.InvariantCulture, $"{name} {perClass[c]:0.###}")))
          + string.Create(CultureInfo.InvariantCulture, $" (overall {ScoreThreshold:0.###})")
          + (CalibratedImageSize is { } size ? string.Create(CultureInfo.InvariantCulture, $" at {size} px") : "")
        : string.Create(CultureInfo.InvariantCulture, $"{ScoreThreshold:0.###} for every class (not calibrated)");
}

/// <summary>
/// One file holding a detector and, for training runs, what resuming needs: a JSON header
/// (<see cref="CheckpointInfo"/>) and named binary sections. "model" holds the weights to predict with (the EMA when
/// training used one); a trainer adds its own sections (raw weights, optimizer, RNG). Written atomically: a
/// temporary file beside the target is renamed over it, so a crash mid-write never leaves a torn checkpoint.
/// Layout: magic "PNDETCKP", int32 version, header string, int32 section count, then (name, int64 length, bytes)
/// per section, then the magic again so a truncated file is recognised as such.
/// </summary>
public sealed class Checkpoint
{
    const string Magic = "PNDETCKP";
    const int Version = 1;
    public const string ModelSection = "model";

    static readonly JsonSerializerOptions Json = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public Checkpoint(CheckpointInfo info) => Info = info;

    public CheckpointInfo Info { get; set; }
    public Dictionary<string, byte[]> Sections { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Stores a module's parameters and buffers as a section: count, then (key, tensor) pairs in TorchSharp's tensor
    /// format. <paramref name="half"/> stores floating-point tensors as float16 (half the size; the bundled demo
    /// model), converted back on load.
    /// </summary>
    public void PutModule(string section, nn.Module module, bool half = false)
    {
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms, Encoding.UTF8, leaveOpen: true))
        {
            var state = module.state_dict();
            w.Write(state.Count);
            foreach (var (key, value) in state)
            {
                w.Write(key);
                using var cpu = value.detach().cpu();
                using var stored = half && cpu.is_floating_point() ? cpu.to(ScalarType.Float16) : cpu.alias();
                stored.Save(w);
            }
        }
        Sections[section] = ms.ToArray();
    }

    /// <summary>
    /// Loads a section's weights into a module of the same architecture. A missing, extra or mis-shaped tensor is an
    /// <see cref="InvalidDataException"/> naming the checkpoint, the key and the model it was expected to fit.
    /// </summary>
    public void LoadInto(string section, nn.Module module, string source)
    {
        if (!Sections.TryGetValue(section, out var bytes))
            throw new InvalidDataException($"checkpoint {source} has no '{section}' section.");
        string Fit() => $"checkpoint {source}: its '{section}' weights do not fit a {Info.Model} with {Info.ClassNames.Count} classes";
        var target = module.state_dict();
        var loaded = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            using var r = new BinaryReader(new MemoryStream(bytes));
            int count = r.ReadInt32();
            for (int i = 0; i < count; i++)
            {
                string key = r.ReadString();
                loaded[key] = TensorExtensionMethods.Load(r);
            }
            foreach (var (key, t) in target)
            {
                if (!loaded.TryGetValue(key, out var v))
                    throw new InvalidDataException($"{Fit()}: '{key}' is missing.");
                if (!v.shape.SequenceEqual(t.shape))
                    throw new InvalidDataException($"{Fit()}: '{key}' is [{string.Join(", ", v.shape)}], the model's [{string.Join(", ", t.shape)}].");
            }
            if (loaded.Keys.FirstOrDefault(k => !target.ContainsKey(k)) is { } extra)
                throw new InvalidDataException($"{Fit()}: the model has no '{extra}'.");
            using var _ = no_grad();
            foreach (var (key, t) in target) t.copy_(loaded[key]);
        }
        catch (Exception e) when (e is EndOfStreamException or ArgumentException or NotImplementedException)
        {
            throw new InvalidDataException($"checkpoint {source}: its '{section}' section is corrupt ({e.Message}).", e);
        }
        finally
        {
            foreach (var t in loaded.Values) t.Dispose();
        }
    }

    /// <summary>The model this checkpoint describes, its inference weights ("model") loaded, in eval mode, not fused.</summary>
    public YoloDetector BuildDetector(string source)
    {
        YoloDetector model;
        try
        {
            var activation = Enum.Parse<ParNetActivation>(Info.Activation, ignoreCase: true);
            model = YoloDetector.Create(Info.Model, Info.ClassNames.Count, activation: activation);
        }
        catch (ArgumentException e) { throw new InvalidDataException($"checkpoint {source}: {e.Message}", e); }
        LoadInto(ModelSection, model, source);
        model.eval();
        return model;
    }

    public void Save(string path)
    {
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temp = full + ".tmp-" + Environment.ProcessId;
        try
        {
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
            using (var w = new BinaryWriter(stream, Encoding.UTF8))
            {
                w.Write(Encoding.ASCII.GetBytes(Magic));
                w.Write(Version);
                w.Write(JsonSerializer.Serialize(Info, Json));
                w.Write(Sections.Count);
                foreach (var (name, bytes) in Sections)
                {
                    w.Write(name);
                    w.Write((long)bytes.Length);
                    w.Write(bytes);
                }
                w.Write(Encoding.ASCII.GetBytes(Magic));
                w.Flush();
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>Reads a checkpoint; a missing, foreign, truncated or corrupt file is an <see cref="InvalidDataException"/>
    /// (or FileNotFoundException) naming it.</summary>
    public static Checkpoint Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"checkpoint {path} does not exist.", path);
        try
        {
            using var stream = File.OpenRead(path);
            using var r = new BinaryReader(stream, Encoding.UTF8);
            if (Encoding.ASCII.GetString(r.ReadBytes(Magic.Length)) != Magic)
                throw new InvalidDataException($"{path} is not a ParNet Detect checkpoint.");
            int version = r.ReadInt32();
            if (version != Version)
                throw new InvalidDataException($"checkpoint {path} has format version {version}; this build reads {Version}.");
            var info = JsonSerializer.Deserialize<CheckpointInfo>(r.ReadString(), Json)
                       ?? throw new InvalidDataException($"checkpoint {path} has an empty header.");
            var checkpoint = new Checkpoint(info);
            int count = r.ReadInt32();
            for (int i = 0; i < count; i++)
            {
                string name = r.ReadString();
                long length = r.ReadInt64();
                if (length < 0 || length > stream.Length - stream.Position)
                    throw new EndOfStreamException();
                checkpoint.Sections[name] = r.ReadBytes((int)length);
            }
            if (Encoding.ASCII.GetString(r.ReadBytes(Magic.Length)) != Magic) throw new EndOfStreamException();
            if (info.ClassNames.Count == 0 || info.CategoryIds.Count != info.ClassNames.Count)
                throw new InvalidDataException($"checkpoint {path}: header lists {info.ClassNames.Count} classes and {info.CategoryIds.Count} category ids.");
            if (info.ScoreThreshold is < 0 or > 1 || float.IsNaN(info.ScoreThreshold))
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                    $"checkpoint {path}: ScoreThreshold {info.ScoreThreshold} is not in [0, 1]."));
            if (info.ClassScoreThresholds is { } t && (t.Count != info.ClassNames.Count || t.Any(v => v is < 0 or > 1 || float.IsNaN(v))))
                throw new InvalidDataException($"checkpoint {path}: ClassScoreThresholds are not {info.ClassNames.Count} values in [0, 1].");
            if (info.CalibratedImageSize is { } side && (side <= 0 || side % 32 != 0))
                throw new InvalidDataException($"checkpoint {path}: CalibratedImageSize {side} is not a positive multiple of 32.");
            return checkpoint;
        }
        catch (Exception e) when (e is EndOfStreamException or JsonException or DecoderFallbackException or IOException
                                      && e is not FileNotFoundException and not InvalidDataException)
        {
            throw new InvalidDataException($"checkpoint {path} is truncated or corrupt ({e.GetType().Name}).", e);
        }
    }
}
