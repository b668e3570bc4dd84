using CocoEval;
using ParNetDetect.Data;
using ParNetDetect.Sharding;

namespace ParNetDetect.Evaluation;

/// <summary>
/// The detections of a sharded `detect val`, joined: every part must exist (a missing one is named by its shard),
/// each is checked against the whole split's ground truth, and the result is in the dataset's image order, the
/// order one process produces, whatever order the parts come in (score ties are then broken the same way).
/// </summary>
public static class ShardedResults
{
    /// <param name="parts">The parts' COCO results files, in shard order.</param>
    public static List<CocoDetection> Load(IDetectionDataset whole, CocoGroundTruth groundTruth, IReadOnlyList<string> parts)
    {
        PartFiles.RequireAll(parts);
        var position = new Dictionary<long, int>(whole.Count);
        for (int k = 0; k < whole.Count; k++) position[whole[k].Id] = k;
        // OrderBy is stable: within one image, the detections keep their part's order (NMS order).
        return parts.SelectMany(p => CocoResultsFile.Load(p, groundTruth)).OrderBy(d => position[d.ImageId]).ToList();
    }
}
