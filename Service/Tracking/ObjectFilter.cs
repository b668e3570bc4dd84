using System.Globalization;
using ParNetDetect.DetectionHead;
using ParNetDetect.Service.Configuration;

namespace ParNetDetect.Service.Tracking;

/// <summary>
/// Which detections of one camera reach the tracker: those of a kept class (<see cref="CameraOptions.Classes"/>)
/// that pass their class's <see cref="ClassFilter"/> and lie outside the object masks. Each class's filter takes the
/// label's values, else the camera's, else follows the model's own threshold for the class: Confidence defaults to
/// it, Threshold to Confidence, MinScore to half of it.
/// </summary>
public sealed class ObjectFilter
{
    readonly ClassFilter?[] _classes; // null: a class the camera does not keep
    readonly IReadOnlyList<string> _classNames;

    /// <param name="configPath">The camera's configuration path (Cameras:N), for errors.</param>
    /// <param name="modelThresholds">The model's own minimum score per class index.</param>
    public ObjectFilter(CameraOptions camera, string configPath, IReadOnlyList<string> classNames,
        IReadOnlyList<float> modelThresholds)
    {
        _classNames = classNames;
        var problems = new List<string>();
        int IndexOf(string name, string path)
        {
            int index = classNames.ToList().FindIndex(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase));
            if (index < 0)
                problems.Add($"{ServiceOptions.SectionName}:{configPath}:{path}: '{name}' is not a class of the model " +
                    $"(known: {string.Join(", ", classNames)}).");
            return index;
        }
        var kept = camera.Classes.Select((name, i) => IndexOf(name, $"Classes:{i}")).ToHashSet();
        var labels = new Dictionary<int, ObjectFilterOptions>();
        foreach (var (name, filter) in camera.Labels)
            labels[IndexOf(name, $"Labels:{name}")] = filter;
        if (problems.Count > 0) throw ConfigurationException.Listing(problems);

        _classes = classNames.Select((_, c) => camera.Classes.Count == 0 || kept.Contains(c)
            ? Settle(labels.GetValueOrDefault(c), camera, modelThresholds[c]) : null).ToArray();
        Mask = new ObjectMask(camera.ObjectMasks);
        LowestMinScore = _classes.Min(f => f?.MinScore) ?? 1;
    }

    public ObjectMask Mask { get; }

    /// <summary>The lowest score any kept class lets through: what the detector is asked for.</summary>
    public float LowestMinScore { get; }

    /// <summary>The class's filter, or null for a class the camera does not keep.</summary>
    public ClassFilter? For(int classIndex) =>
        classIndex >= 0 && classIndex < _classes.Length ? _classes[classIndex] : null;

    /// <summary>Each kept class's Threshold, e.g. "square 0.41, circle 0.38": what the log says at start.</summary>
    public string DescribeThresholds() => string.Join(", ", _classes
        .Select((f, c) => f == null ? null : string.Create(CultureInfo.InvariantCulture, $"{_classNames[c]} {f.Threshold:0.###}"))
        .OfType<string>());

    public bool Passes(in Detection d, int frameWidth, int frameHeight) =>
        For(d.ClassIndex) is { } filter && filter.Passes(d, frameWidth, frameHeight)
        && !Mask.Hides(d, frameWidth, frameHeight);

    static ClassFilter Settle(ObjectFilterOptions? label, CameraOptions camera, float modelThreshold)
    {
        double? Value(Func<ObjectFilterOptions, double?> of) => (label == null ? null : of(label)) ?? of(camera);
        float confidence = (float)(Value(f => f.Confidence) ?? modelThreshold);
        return new ClassFilter(confidence,
            MinScore: (float)(Value(f => f.MinScore) ?? confidence / 2),
            Threshold: (float)(Value(f => f.Threshold) ?? confidence),
            MinArea: Value(f => f.MinArea) ?? 0, MaxArea: Value(f => f.MaxArea) ?? double.PositiveInfinity,
            MinRatio: Value(f => f.MinRatio) ?? 0, MaxRatio: Value(f => f.MaxRatio) ?? double.PositiveInfinity);
    }
}
