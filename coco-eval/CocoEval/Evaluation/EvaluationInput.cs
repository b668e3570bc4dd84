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
        var kept = new Grouping(annotations.Count);
        for (int i = 0; i < annotations.Count; i++)
        {
            var a = annotations[i];
            if (imageRank.TryGetValue(a.ImageId, out int img) && categoryRank.TryGetValue(a.CategoryId, out int cat))
                kept.Add(i, img, cat);
        }
        int[] order = kept.Order(CategoryCount, ImageCount, out var start);
        GtCategoryStart = start;
        (GtImage, GtBoxes, GtAreas) = (new int[order.Length], new CocoBox[order.Length], new double[order.Length]);
        (GtCrowd, GtIdIsZero) = (new bool[order.Length], new bool[order.Length]);
        for (int i = 0; i < order.Length; i++)
        {
            var a = annotations[kept.Source[order[i]]];
            GtImage[i] = kept.Image[order[i]];
            GtBoxes[i] = a.Box;
            GtAreas[i] = a.Area;
            GtCrowd[i] = a.IsCrowd;
            GtIdIsZero[i] = a.Id == 0;
        }
    }

    private void PlaceDetections(IReadOnlyList<CocoDetection> detections, Dictionary<long, int> imageRank,
        Dictionary<long, int> categoryRank)
    {
        var kept = new Grouping(detections.Count);
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
            kept.Add(i, img, cat);
        }
        int[] order = kept.Order(CategoryCount, ImageCount, out var start);
        DetCategoryStart = start;
        (DetImage, DetBoxes, DetScores) = (new int[order.Length], new CocoBox[order.Length], new double[order.Length]);
        for (int i = 0; i < order.Length; i++)
        {
            var d = detections[kept.Source[order[i]]];
            DetImage[i] = kept.Image[order[i]];
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

    /// <summary>The boxes kept for evaluation (their index in the input) with their image and category ranks.</summary>
    private sealed class Grouping(int capacity)
    {
        public List<int> Source { get; } = new(capacity);
        public List<int> Image { get; } = new(capacity);
        public List<int> Category { get; } = new(capacity);

        public void Add(int source, int image, int category)
        {
            Source.Add(source);
            Image.Add(image);
            Category.Add(category);
        }

        /// <summary>
        /// Positions in (category, image, input order) order, by two stable counting sorts (least significant key
        /// first), O(n + keys); <paramref name="categoryStart"/>[k] is where category k begins.
        /// </summary>
        public int[] Order(int categoryCount, int imageCount, out int[] categoryStart)
        {
            int[] byImage = CountingSort(Enumerable.Range(0, Source.Count).ToArray(), Image, imageCount, out _);
            return CountingSort(byImage, Category, categoryCount, out categoryStart);
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
}
