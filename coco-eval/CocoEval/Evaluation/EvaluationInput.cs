namespace CocoEval.Evaluation;

/// <summary>
/// Ground truth and detections laid out for evaluation. Images and categories are ranked by ascending id (pycocotools
/// sorts its imgIds and catIds); boxes are grouped by category, then image rank, then file order, so one category's
/// boxes form one contiguous range and each image's boxes a run inside it.
/// </summary>
internal sealed class EvaluationInput
{
    private EvaluationInput(int imageCount, long[] categoryIds) =>
        (ImageCount, CategoryIds) = (imageCount, categoryIds);

    public int ImageCount { get; }
    public long[] CategoryIds { get; }
    public int CategoryCount => CategoryIds.Length;

    public CocoBox[] GtBoxes { get; private set; } = [];
    public double[] GtAreas { get; private set; } = [];
    public bool[] GtCrowd { get; private set; } = [];
    /// <summary>pycocotools records a match by GT id, so a match to a GT whose id is 0 reads as no match.</summary>
    public bool[] GtIdIsZero { get; private set; } = [];
    public int[] GtImage { get; private set; } = [];
    public int[] GtCategoryStart { get; private set; } = [];

    public CocoBox[] DetBoxes { get; private set; } = [];
    public double[] DetScores { get; private set; } = [];
    public int[] DetImage { get; private set; } = [];
    public int[] DetCategoryStart { get; private set; } = [];

    /// <summary>Detections whose category id is not among the GT categories (left out, as pycocotools does).</summary>
    public SortedDictionary<long, int> UnknownCategoryDetections { get; } = [];

    public static EvaluationInput Build(CocoGroundTruth gt, IReadOnlyList<CocoDetection> detections)
    {
        var imageRank = Ranks(gt.Images.Select(i => i.Id), out _);
        var categoryRank = Ranks(gt.Categories.Select(c => c.Id), out var categoryIds);
        var input = new EvaluationInput(imageRank.Count, categoryIds);
        input.PlaceGroundTruth(gt.Annotations, imageRank, categoryRank);
        input.PlaceDetections(detections, imageRank, categoryRank);
        return input;
    }

    private void PlaceGroundTruth(IReadOnlyList<CocoAnnotation> annotations, Dictionary<long, int> imageRank,
        Dictionary<long, int> categoryRank)
    {
        var kept = new List<int>(annotations.Count);
        var image = new List<int>(annotations.Count);
        var category = new List<int>(annotations.Count);
        for (int i = 0; i < annotations.Count; i++)
        {
            var a = annotations[i];
            if (imageRank.TryGetValue(a.ImageId, out int img) && categoryRank.TryGetValue(a.CategoryId, out int cat))
            {
                kept.Add(i);
                image.Add(img);
                category.Add(cat);
            }
        }
        int[] order = GroupOrder(category, image, CategoryCount, ImageCount, out var start);
        GtCategoryStart = start;
        (GtImage, GtBoxes, GtAreas) = (new int[order.Length], new CocoBox[order.Length], new double[order.Length]);
        (GtCrowd, GtIdIsZero) = (new bool[order.Length], new bool[order.Length]);
        for (int i = 0; i < order.Length; i++)
        {
            var a = annotations[kept[order[i]]];
            GtImage[i] = image[order[i]];
            GtBoxes[i] = a.Box;
            GtAreas[i] = a.Area;
            GtCrowd[i] = a.IsCrowd;
            GtIdIsZero[i] = a.Id == 0;
        }
    }

    private void PlaceDetections(IReadOnlyList<CocoDetection> detections, Dictionary<long, int> imageRank,
        Dictionary<long, int> categoryRank)
    {
        var kept = new List<int>(detections.Count);
        var image = new List<int>(detections.Count);
        var category = new List<int>(detections.Count);
        for (int i = 0; i < detections.Count; i++)
        {
            var d = detections[i];
            if (!imageRank.TryGetValue(d.ImageId, out int img))
                throw new CocoDataException($"detection #{i + 1} {DetectionValidation.UnknownImage(d.ImageId)}");
            if (DetectionValidation.ValueProblem(d) is { } problem)
                throw new CocoDataException($"detection #{i + 1} {problem}");
            if (!categoryRank.TryGetValue(d.CategoryId, out int cat))
            {
                UnknownCategoryDetections[d.CategoryId] = UnknownCategoryDetections.GetValueOrDefault(d.CategoryId) + 1;
                continue;
            }
            kept.Add(i);
            image.Add(img);
            category.Add(cat);
        }
        int[] order = GroupOrder(category, image, CategoryCount, ImageCount, out var start);
        DetCategoryStart = start;
        (DetImage, DetBoxes, DetScores) = (new int[order.Length], new CocoBox[order.Length], new double[order.Length]);
        for (int i = 0; i < order.Length; i++)
        {
            var d = detections[kept[order[i]]];
            DetImage[i] = image[order[i]];
            DetBoxes[i] = d.Box;
            DetScores[i] = d.Score;
        }
    }

    private static Dictionary<long, int> Ranks(IEnumerable<long> ids, out long[] sorted)
    {
        sorted = ids.ToArray();
        Array.Sort(sorted);
        var rank = new Dictionary<long, int>(sorted.Length);
        for (int i = 0; i < sorted.Length; i++)
            rank[sorted[i]] = i;
        return rank;
    }

    /// <summary>
    /// Stable order by (primary, secondary) with two counting sorts (least significant key first), O(n + keys);
    /// <paramref name="primaryStart"/>[p] is where primary key p begins (length primaryCount + 1).
    /// </summary>
    private static int[] GroupOrder(List<int> primary, List<int> secondary, int primaryCount, int secondaryCount,
        out int[] primaryStart)
    {
        int n = primary.Count;
        int[] bySecondary = CountingSort(Enumerable.Range(0, n).ToArray(), secondary, secondaryCount, out _);
        return CountingSort(bySecondary, primary, primaryCount, out primaryStart);
    }

    private static int[] CountingSort(int[] items, List<int> key, int keyCount, out int[] start)
    {
        start = new int[keyCount + 1];
        foreach (int item in items)
            start[key[item] + 1]++;
        for (int k = 0; k < keyCount; k++)
            start[k + 1] += start[k];
        var next = (int[])start.Clone();
        var sorted = new int[items.Length];
        foreach (int item in items)
            sorted[next[key[item]]++] = item;
        return sorted;
    }
}
