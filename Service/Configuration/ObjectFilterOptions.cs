namespace ParNetDetect.Service.Configuration;

/// <summary>
/// Which detections count as objects, as Frigate users know them: set on a camera for every label, and under its
/// <see cref="CameraOptions.Labels"/> for one label (an unset value there takes the camera's). Unset scores follow
/// the model's own threshold of the class (calibrated per class by `detect val --calibrate`).
/// </summary>
public class ObjectFilterOptions
{
    /// <summary>Score a detection needs to be shown and to be matched first; unset = the model's threshold.</summary>
    public double? Confidence { get; set; }
    /// <summary>Detections scoring below this are dropped before tracking; unset = half the confidence.</summary>
    public double? MinScore { get; set; }
    /// <summary>A track is confirmed (reported, counted) once the median of its recent scores reaches this;
    /// unset = the confidence.</summary>
    public double? Threshold { get; set; }
    /// <summary>Smallest box area: pixels, or a fraction of the frame when at most 1; unset = no limit.</summary>
    public double? MinArea { get; set; }
    /// <summary>Largest box area: pixels, or a fraction of the frame when at most 1; unset = no limit.</summary>
    public double? MaxArea { get; set; }
    /// <summary>Smallest width / height of a box; unset = no limit.</summary>
    public double? MinRatio { get; set; }
    /// <summary>Largest width / height of a box; unset = no limit.</summary>
    public double? MaxRatio { get; set; }
}
