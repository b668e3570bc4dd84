using System.Globalization;
using System.Text;

namespace CocoEval;

/// <summary>COCO results files: an array of detections (what pycocotools' <c>loadRes</c> takes) or an object with an
/// <c>annotations</c> list.</summary>
public static class CocoResultsFile
{
    /// <summary>
    /// Streams the detections of <paramref name="path"/>, checking each against <paramref name="groundTruth"/>: an
    /// image id it lacks, a negative or non-finite box size or a negative score is a <see cref="CocoDataException"/>
    /// naming the file, line and byte.
    /// </summary>
    public static List<CocoDetection> Load(string path, CocoGroundTruth groundTruth) =>
        Json.CocoJsonLoader.LoadDetections(path, groundTruth);

    /// <summary>
    /// A detection as <see cref="Save"/> writes it and <see cref="Load"/> reads it back: box to 3 decimals, score to 5.
    /// Evaluating this form gives the numbers of the written file, and of a sharded run's merged parts.
    /// </summary>
    public static CocoDetection AsStored(CocoDetection d) => d with
    {
        Box = new CocoBox(Math.Round(d.Box.X, 3), Math.Round(d.Box.Y, 3), Math.Round(d.Box.Width, 3), Math.Round(d.Box.Height, 3)),
        Score = Math.Round(d.Score, 5),
    };

    /// <summary>
    /// Writes detections as a results array, one per line (<see cref="AsStored"/>: boxes to 3 decimals, scores to 5). The file is written
    /// beside its destination and moved into place, so an interrupted write never leaves a truncated file.
    /// </summary>
    public static void Save(string path, IEnumerable<CocoDetection> detections)
    {
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temp = full + ".tmp-" + Environment.ProcessId;
        using (var writer = new StreamWriter(temp, false, new UTF8Encoding(false), 1 << 16))
        {
            writer.Write('[');
            bool first = true;
            foreach (var d in detections.Select(AsStored))
            {
                writer.Write(first ? "\n" : ",\n");
                first = false;
                writer.Write(string.Create(CultureInfo.InvariantCulture,
                    $"{{\"image_id\": {d.ImageId}, \"category_id\": {d.CategoryId}, \"bbox\": [{d.Box.X}, {d.Box.Y}, {d.Box.Width}, {d.Box.Height}], \"score\": {d.Score}}}"));
            }
            writer.Write("\n]\n");
        }
        File.Move(temp, full, overwrite: true);
    }
}
