namespace ParNetDetect.Service.Configuration;

/// <summary>
/// Checks a camera's object filter, and each label's with the camera's values where the label sets none: scores in
/// [0, 1], sizes and ratios not negative, and no minimum above its maximum (a filter no object could pass). Whether
/// the labels are classes of the model is checked when the cameras start, once the model is loaded.
/// </summary>
static class ObjectFilterValidator
{
    public static void Validate(CameraOptions camera, string path, Action<bool, string, string> check,
        Action<double, double, double, string> range)
    {
        Validate(camera, camera, path, "object", check, range);
        foreach (var (label, filter) in camera.Labels)
            Validate(filter, camera, $"{path}:Labels:{label}", label, check, range);
    }

    static void Validate(ObjectFilterOptions filter, CameraOptions camera, string path, string what,
        Action<bool, string, string> check, Action<double, double, double, string> range)
    {
        var scores = new[] { (filter.Confidence, "Confidence"), (filter.MinScore, "MinScore"), (filter.Threshold, "Threshold") };
        foreach (var (value, field) in scores)
            if (value is { } score) range(score, 0, 1, $"{path}:{field}");
        foreach (var (value, field) in new[] { (filter.MinArea, "MinArea"), (filter.MinRatio, "MinRatio") })
            if (value is { } min) check(min >= 0, $"{path}:{field}", $"must be 0 or more (got {min}).");
        foreach (var (value, field) in new[] { (filter.MaxArea, "MaxArea"), (filter.MaxRatio, "MaxRatio") })
            if (value is { } max) check(max > 0, $"{path}:{field}", $"must be more than 0 (got {max}): no {what} could pass.");

        // Areas at most 1 are fractions of the frame, larger ones pixels: only the same kind compare before a frame.
        Ordered(filter, camera, f => f.MinArea, f => f.MaxArea, "Area", path, what, check,
            comparable: (min, max) => (min <= 1) == (max <= 1));
        Ordered(filter, camera, f => f.MinRatio, f => f.MaxRatio, "Ratio", path, what, check, comparable: (_, _) => true);
    }

    /// <summary>Reports a minimum above its maximum on the field this filter sets (a label's own value, not the
    /// camera's one it inherits, which the camera's check reports).</summary>
    static void Ordered(ObjectFilterOptions filter, CameraOptions camera, Func<ObjectFilterOptions, double?> minOf,
        Func<ObjectFilterOptions, double?> maxOf, string quantity, string path, string what,
        Action<bool, string, string> check, Func<double, double, bool> comparable)
    {
        if (minOf(filter) is null && maxOf(filter) is null) return;
        if ((minOf(filter) ?? minOf(camera)) is not { } min || (maxOf(filter) ?? maxOf(camera)) is not { } max) return;
        if (min <= max || !comparable(min, max)) return;
        if (minOf(filter) != null)
            check(false, $"{path}:Min{quantity}", $"{min} is more than Max{quantity} ({max}): no {what} could pass.");
        else
            check(false, $"{path}:Max{quantity}", $"{max} is less than Min{quantity} ({min}): no {what} could pass.");
    }
}
