using System.Text;
using ParNetDetect.Imaging;

namespace ParNetDetect.Data;

/// <summary>
/// What <c>detect data check</c> prints: images, boxes per class (crowd regions apart), box sizes in COCO's
/// small/medium/large bands, and every problem found while reading and (optionally) decoding.
/// </summary>
public sealed class DatasetReport
{
    public required string Source { get; init; }
    public required int Images { get; init; }
    public required int ImagesWithoutBoxes { get; init; }
    public required IReadOnlyList<string> ClassNames { get; init; }
    public required int[] BoxesPerClass { get; init; }
    public required int CrowdRegions { get; init; }
    public required (int Small, int Medium, int Large) BoxSizes { get; init; }
    public required (int MinWidth, int MinHeight, int MaxWidth, int MaxHeight) ImageSizes { get; init; }
    public required bool Decoded { get; init; }
    public required DatasetIssues Issues { get; init; }

    /// <summary>Counts a dataset's content; with <paramref name="decode"/>, decodes every image in parallel to find corrupt files.</summary>
    public static DatasetReport Create(IDetectionDataset dataset, bool decode)
    {
        var issues = new DatasetIssues();
        issues.AddFrom(dataset.Issues);
        var perClass = new int[dataset.ClassNames.Count];
        int crowd = 0, empty = 0, small = 0, medium = 0, large = 0;
        int minW = int.MaxValue, minH = int.MaxValue, maxW = 0, maxH = 0;
        for (int i = 0; i < dataset.Count; i++)
        {
            var record = dataset[i];
            minW = Math.Min(minW, record.Width); minH = Math.Min(minH, record.Height);
            maxW = Math.Max(maxW, record.Width); maxH = Math.Max(maxH, record.Height);
            if (record.Annotations.Count == 0) empty++;
            foreach (var a in record.Annotations)
            {
                if (a.IsCrowd) { crowd++; continue; }
                perClass[a.ClassIndex]++;
                // COCO's bands, by annotated area: small < 32^2 <= medium < 96^2 <= large.
                if (a.Area < 32 * 32) small++;
                else if (a.Area < 96 * 96) medium++;
                else large++;
            }
        }
        if (decode)
        {
            var failed = new bool[dataset.Count];
            Parallel.For(0, dataset.Count, i =>
            {
                using var image = ImageDecoder.TryDecode(dataset[i].FilePath);
                failed[i] = image == null;
            });
            for (int i = 0; i < failed.Length; i++)
                if (failed[i]) issues.Add(DatasetIssues.CorruptImage, dataset[i].FilePath);
        }
        return new DatasetReport
        {
            Source = dataset.Source, Images = dataset.Count, ImagesWithoutBoxes = empty, ClassNames = dataset.ClassNames,
            BoxesPerClass = perClass, CrowdRegions = crowd, BoxSizes = (small, medium, large),
            ImageSizes = dataset.Count == 0 ? (0, 0, 0, 0) : (minW, minH, maxW, maxH), Decoded = decode,
            Issues = issues,
        };
    }

    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.AppendLine($"dataset   {Source}");
        sb.AppendLine($"images    {Images} ({ImagesWithoutBoxes} without boxes), sizes {ImageSizes.MinWidth}x{ImageSizes.MinHeight} .. {ImageSizes.MaxWidth}x{ImageSizes.MaxHeight}" +
                      (Decoded ? ", all decoded" : ", not decoded (headers only)"));
        int total = BoxesPerClass.Sum();
        sb.AppendLine($"boxes     {total} ({BoxSizes.Small} small, {BoxSizes.Medium} medium, {BoxSizes.Large} large by COCO area bands)" +
                      (CrowdRegions > 0 ? $", plus {CrowdRegions} crowd regions (evaluation only)" : ""));
        sb.AppendLine($"classes   {ClassNames.Count}");
        for (int c = 0; c < ClassNames.Count; c++)
            if (BoxesPerClass[c] > 0 || ClassNames.Count <= 20)
                sb.AppendLine($"  {c,4} {ClassNames[c],-20} {BoxesPerClass[c],8}");
        int unused = Enumerable.Range(0, ClassNames.Count).Count(c => BoxesPerClass[c] == 0);
        if (unused > 0) sb.AppendLine($"  {unused} classes have no boxes" + (ClassNames.Count > 20 ? " (not listed)" : ""));
        sb.AppendLine($"problems  {Issues.Total}");
        if (Issues.Total > 0) sb.AppendLine(Issues.Summary());
        return sb.ToString().TrimEnd();
    }
}
