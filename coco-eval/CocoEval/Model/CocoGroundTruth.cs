namespace CocoEval;

/// <summary>
/// A COCO instances ground truth: the images that are evaluated (all of them, also those without boxes), the
/// categories that are evaluated, and their boxes. Annotations on images or categories not listed are left out of
/// evaluation, as pycocotools leaves them out.
/// </summary>
public sealed class CocoGroundTruth
{
    private readonly Dictionary<long, int> _imageIndex;
    private readonly Dictionary<long, int> _categoryIndex;

    public CocoGroundTruth(IReadOnlyList<CocoImage> images, IReadOnlyList<CocoCategory> categories,
        IReadOnlyList<CocoAnnotation> annotations)
    {
        Images = images;
        Categories = categories;
        Annotations = annotations;
        _imageIndex = IndexIds(images, i => i.Id, "image");
        _categoryIndex = IndexIds(categories, c => c.Id, "category");
        var annotationIds = new HashSet<long>();
        for (int i = 0; i < annotations.Count; i++)
        {
            var a = annotations[i];
            // pycocotools keys annotations by id; a repeated id silently replaces the earlier box in its lookups.
            if (!annotationIds.Add(a.Id))
                throw new CocoDataException($"ground truth: annotation id {a.Id} appears more than once (annotation #{i})");
            if (!a.Box.IsValid || !double.IsFinite(a.Area))
                throw new CocoDataException($"ground truth: annotation id {a.Id} has a non-finite or negative-size box or area: {a.Box}, area {a.Area}");
        }
    }

    public IReadOnlyList<CocoImage> Images { get; }
    public IReadOnlyList<CocoCategory> Categories { get; }
    public IReadOnlyList<CocoAnnotation> Annotations { get; }

    /// <summary>Loads a COCO instances JSON file, streaming.</summary>
    public static CocoGroundTruth Load(string path) => Json.CocoJsonLoader.LoadGroundTruth(path);

    public bool ContainsImage(long imageId) => _imageIndex.ContainsKey(imageId);

    public bool ContainsCategory(long categoryId) => _categoryIndex.ContainsKey(categoryId);

    internal bool TryGetImageIndex(long imageId, out int index) => _imageIndex.TryGetValue(imageId, out index);

    internal bool TryGetCategoryIndex(long categoryId, out int index) => _categoryIndex.TryGetValue(categoryId, out index);

    private static Dictionary<long, int> IndexIds<T>(IReadOnlyList<T> items, Func<T, long> id, string what)
    {
        var index = new Dictionary<long, int>(items.Count);
        for (int i = 0; i < items.Count; i++)
            if (!index.TryAdd(id(items[i]), i))
                throw new CocoDataException($"ground truth: {what} id {id(items[i])} appears more than once");
        return index;
    }
}
