namespace ParNetDetect.Data;

/// <summary>
/// Contiguous class indices (what the model predicts) mapped to and from the dataset's own category ids (what a
/// COCO results file must carry: COCO's 80 classes use ids 1..90 with gaps). YOLO datasets have no ids of their
/// own, so there index == id.
/// </summary>
public sealed class CategoryMap
{
    readonly int[] _ids;
    readonly Dictionary<int, int> _indexById;

    public CategoryMap(IReadOnlyList<(int Id, string Name)> categories)
    {
        _ids = new int[categories.Count];
        _indexById = new Dictionary<int, int>(categories.Count);
        var names = new string[categories.Count];
        for (int i = 0; i < categories.Count; i++)
        {
            (int id, string name) = categories[i];
            if (!_indexById.TryAdd(id, i))
                throw new ArgumentException($"category id {id} appears twice ('{names[_indexById[id]]}' and '{name}').");
            _ids[i] = id;
            names[i] = name;
        }
        Names = names;
    }

    /// <summary>Class i has id i (YOLO datasets, synthetic data written by us).</summary>
    public static CategoryMap Identity(IReadOnlyList<string> names) =>
        new(names.Select((n, i) => (i, n)).ToList());

    public IReadOnlyList<string> Names { get; }
    public int Count => _ids.Length;

    public int ToCategoryId(int classIndex) =>
        (uint)classIndex < (uint)_ids.Length ? _ids[classIndex]
            : throw new ArgumentOutOfRangeException(nameof(classIndex), $"class index {classIndex} is not in [0, {_ids.Length}).");

    public bool TryGetClassIndex(int categoryId, out int classIndex) => _indexById.TryGetValue(categoryId, out classIndex);

    public int ToClassIndex(int categoryId) =>
        _indexById.TryGetValue(categoryId, out int index) ? index
            : throw new KeyNotFoundException($"category id {categoryId} is not one of this dataset's categories.");
}
