using System.Text;
using System.Text.Json.Nodes;

namespace ParNetDetect.Data;

/// <summary>
/// Problems that were skipped or repaired instead of stopping a run, counted per kind with the first few
/// examples (file and line) kept, so a summary can say "3 boxes outside the image, e.g. labels/a.txt:4". A problem
/// is counted once however often it is met (a corrupt image drawn in every epoch is one problem). A strict
/// collection (<c>--strict</c>) throws at the first problem instead. Thread-safe: loader workers add decode
/// failures while training runs.
/// </summary>
public sealed class DatasetIssues(bool strict = false)
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
    readonly Dictionary<string, List<string>> _byKind = new();   // every place, in the order met
    readonly HashSet<(string Kind, string Where)> _seen = new();
    (string Kind, string Where)? _first;

    /// <summary>Counts a problem at <paramref name="where"/> (file, file:line or annotation id); throws
    /// <see cref="InvalidDataException"/> naming it instead when strict.</summary>
    public void Add(string kind, string where)
    {
        if (strict) throw StrictFailure(kind, where);
        lock (_gate) Record(kind, where);
    }

    /// <summary>Adds another collection's problems to this one (those both hold are counted once).</summary>
    public void AddFrom(DatasetIssues other)
    {
        if (ReferenceEquals(other, this)) return;
        List<(string Kind, string Where)> problems;
        lock (other._gate) problems = other._byKind.SelectMany(kv => kv.Value.Select(w => (kv.Key, w))).ToList();
        lock (_gate)
            foreach (var (kind, where) in problems) Record(kind, where);
    }

    void Record(string kind, string where)
    {
        if (!_seen.Add((kind, where))) return;
        if (!_byKind.TryGetValue(kind, out var places)) _byKind[kind] = places = new List<string>();
        places.Add(where);
        _first ??= (kind, where);
    }

    public int Count(string kind) { lock (_gate) return _byKind.GetValueOrDefault(kind)?.Count ?? 0; }

    public int Total { get { lock (_gate) return _seen.Count; } }

    /// <summary>For --strict: throws <see cref="InvalidDataException"/> naming the first problem, if there is one.</summary>
    public void ThrowIfAny()
    {
        (string Kind, string Where)? first;
        lock (_gate) first = _first;
        if (first is { } f) throw StrictFailure(f.Kind, f.Where, Total - 1);
    }

    static InvalidDataException StrictFailure(string kind, string where, int more = 0)
    {
        // The kind without what a lenient run does about it: "malformed label line (skipped)" -> "malformed label line".
        int cut = kind.IndexOf(" (", StringComparison.Ordinal);
        string problem = cut > 0 ? kind[..cut] : kind;
        string others = more > 0 ? $"; {more} more problem{(more > 1 ? "s" : "")} after it (`detect data check` lists them)" : "";
        return new InvalidDataException($"{where}: {problem} (--strict stops at the first problem in the data{others}).");
    }

    /// <summary>One line: how many problems, then per kind its count and first places, e.g.
    /// "3 problems skipped or repaired: 2x malformed label line (skipped): a.txt:4, b.txt:1; 1x ...".</summary>
    public string Headline()
    {
        lock (_gate)
        {
            int total = _seen.Count;
            if (total == 0) return "no problems found";
            var kinds = _byKind.OrderByDescending(kv => kv.Value.Count).Select(kv =>
                $"{kv.Value.Count}x {kv.Key}: {string.Join(", ", kv.Value.Take(ExamplesPerKind))}" +
                (kv.Value.Count > ExamplesPerKind ? $" and {kv.Value.Count - ExamplesPerKind} more" : ""));
            return $"{total} problem{(total > 1 ? "s" : "")} skipped or repaired: {string.Join("; ", kinds)}";
        }
    }

    /// <summary>For metrics files: {"total": N, "kinds": [{"kind", "count", "examples": [first places]}]}.</summary>
    public JsonObject ToJson()
    {
        lock (_gate)
        {
            var kinds = new JsonArray();
            foreach (var (kind, places) in _byKind.OrderByDescending(kv => kv.Value.Count))
                kinds.Add(new JsonObject
                {
                    ["kind"] = kind,
                    ["count"] = places.Count,
                    ["examples"] = new JsonArray(places.Take(ExamplesPerKind).Select(p => (JsonNode?)JsonValue.Create(p)).ToArray()),
                });
            return new JsonObject { ["total"] = _seen.Count, ["kinds"] = kinds };
        }
    }

    /// <summary>One line per kind: count, description and examples; "no problems found" when empty.</summary>
    public string Summary()
    {
        lock (_gate)
        {
            if (_byKind.Count == 0) return "no problems found";
            var sb = new StringBuilder();
            foreach (var (kind, places) in _byKind.OrderByDescending(kv => kv.Value.Count))
                sb.AppendLine($"{places.Count,8}  {kind}, e.g. {string.Join("; ", places.Take(ExamplesPerKind))}");
            return sb.ToString().TrimEnd();
        }
    }

    public override string ToString() => Summary();
}
