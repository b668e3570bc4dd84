using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ParNetDetect.Sharding;

/// <summary>
/// Joins part files that each hold a JSON array of objects keyed by one field (`detect predict`'s detections.json,
/// keyed by "file") into one array sorted by that key, which is the order one process writes, whatever order the
/// parts are given in. A key in two parts means parts of different runs and is an error.
/// </summary>
public static class JsonResultParts
{
    /// <summary>Writes the joined array to <paramref name="output"/> (atomically) and returns its entry count.</summary>
    public static int Merge(IReadOnlyList<string> parts, string keyField, string output)
    {
        PartFiles.RequireAll(parts);
        var entries = new SortedDictionary<string, (JsonNode Entry, string Part)>(StringComparer.Ordinal);
        foreach (string part in parts)
        {
            JsonArray array;
            try
            {
                array = JsonNode.Parse(File.ReadAllText(part)) as JsonArray
                        ?? throw new InvalidDataException($"{part}: not a JSON array of results.");
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{part}: not valid JSON ({e.Message})");
            }
            foreach (var entry in array.ToList())
            {
                string key = (entry as JsonObject)?[keyField] is JsonValue v && v.TryGetValue(out string? k) ? k
                    : throw new InvalidDataException($"{part}: an entry has no \"{keyField}\" string.");
                array.Remove(entry);
                if (!entries.TryAdd(key, (entry!, part)))
                    throw new InvalidDataException($"{part}: \"{key}\" is also in {entries[key].Part}; the parts are not from one run.");
            }
        }
        var merged = new JsonArray(entries.Values.Select(e => e.Entry).ToArray());
        string full = Path.GetFullPath(output);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temp = full + ".tmp-" + Environment.ProcessId;
        File.WriteAllText(temp, merged.ToJsonString(new JsonSerializerOptions { WriteIndented = true }), new UTF8Encoding(false));
        File.Move(temp, full, overwrite: true);
        return entries.Count;
    }
}
