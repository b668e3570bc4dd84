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
}
