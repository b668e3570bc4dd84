using System.Text;

namespace ParNetDetect.Data;

/// <summary>
/// Problems that were skipped or repaired instead of stopping a run, counted per kind with the first few
/// examples (file and line) kept, so a summary can say "3 boxes outside the image, e.g. labels/a.txt:4".
/// Thread-safe: loader workers add decode failures while training runs.
/// </summary>
public sealed class DatasetIssues
{
    public const string MissingImage = "missing image file";
    public const string CorruptImage = "unreadable or corrupt image";
    public const string MissingLabelFile = "image without label file (used as background)";
    public const string EmptyLabelFile = "empty label file (image used as background)";
    public const string MalformedLabelLine = "malformed label line (skipped)";
    public const string ClassOutOfRange = "class index out of range (box skipped)";
    public const string UnknownCategory = "annotation with unknown category id (skipped)";
    public const string OrphanAnnotation = "annotation of an unknown image id (skipped)";
    public const string MalformedAnnotation = "malformed annotation (skipped)";
    public const string BoxClipped = "box partly outside the image (clipped)";
    public const string BoxDropped = "box empty or outside the image (skipped)";
    public const string DuplicateImage = "duplicate image id (later entry skipped)";

    const int ExamplesPerKind = 3;
    readonly object _gate = new();
    readonly Dictionary<string, int> _counts = new();
    readonly Dictionary<string, List<string>> _examples = new();

    public void Add(string kind, string where)
    {
        lock (_gate)
        {
            _counts[kind] = _counts.GetValueOrDefault(kind) + 1;
            if (!_examples.TryGetValue(kind, out var list)) _examples[kind] = list = new List<string>();
            if (list.Count < ExamplesPerKind) list.Add(where);
        }
    }

    /// <summary>Adds another collection's counts and examples to this one.</summary>
    public void AddFrom(DatasetIssues other)
    {
        if (ReferenceEquals(other, this)) return;
        Dictionary<string, int> counts;
        Dictionary<string, List<string>> examples;
        lock (other._gate)
        {
            counts = new Dictionary<string, int>(other._counts);
            examples = other._examples.ToDictionary(kv => kv.Key, kv => kv.Value.ToList());
        }
        lock (_gate)
        {
            foreach (var (kind, count) in counts)
            {
                _counts[kind] = _counts.GetValueOrDefault(kind) + count;
                if (!_examples.TryGetValue(kind, out var list)) _examples[kind] = list = new List<string>();
                list.AddRange(examples[kind].Take(ExamplesPerKind - list.Count));
            }
        }
    }

    public int Count(string kind) { lock (_gate) return _counts.GetValueOrDefault(kind); }

    public int Total { get { lock (_gate) return _counts.Values.Sum(); } }

    /// <summary>One line per kind: count, description and examples; "no problems found" when empty.</summary>
    public string Summary()
    {
        lock (_gate)
        {
            if (_counts.Count == 0) return "no problems found";
            var sb = new StringBuilder();
            foreach (var (kind, count) in _counts.OrderByDescending(kv => kv.Value))
                sb.AppendLine($"{count,8}  {kind}, e.g. {string.Join("; ", _examples[kind])}");
            return sb.ToString().TrimEnd();
        }
    }

    public override string ToString() => Summary();
}
