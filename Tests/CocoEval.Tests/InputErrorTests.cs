using System.Text;

namespace CocoEval.Tests;

/// <summary>Bad input gets an error naming the file and position; odd but valid input is read.</summary>
public sealed class InputErrorTests : IDisposable
{
    private const string Gt = """
        {"images": [{"id": 1}, {"id": 2}],
         "categories": [{"id": 1, "name": "a"}],
         "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [0, 0, 10, 10], "area": 100, "iscrowd": 0}]}
        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("cocoeval-tests-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private CocoDataException EvaluateFails(string dets, string gt = Gt) =>
        Assert.Throws<CocoDataException>(() =>
            new CocoEvaluator().EvaluateFiles(Write("gt.json", gt), Write("dets.json", dets)));

    [Fact]
    public void SavedResultsLoadBackRounded()
    {
        var gt = CocoGroundTruth.Load(Write("gt.json", Gt));
        string path = Path.Combine(_dir, "out", "results.json");
        CocoDetection[] detections = [new(1, 1, new CocoBox(1.23456, 2, 3, 4), 0.987654321), new(2, 1, new CocoBox(0, 0, 1, 1), 0.5)];
        CocoResultsFile.Save(path, detections);
        var back = CocoResultsFile.Load(path, gt);
        Assert.Equal([new(1, 1, new CocoBox(1.235, 2, 3, 4), 0.98765), detections[1]], back);
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!)); // no temporary file left behind
    }

    [Fact]
    public void WhatIsSavedLoadsBackExactlyAsAsStoredSays()
    {
        var gt = CocoGroundTruth.Load(Write("gt.json", Gt));
        var random = new Random(11);
        double Any(double scale) => random.NextDouble() * scale;
        var detections = Enumerable.Range(0, 5000).Select(i => new CocoDetection(1 + i % 2, 1,
            new CocoBox(Any(4000), Any(3000), Any(900), Any(900)), Any(1))).ToList();
        string path = Path.Combine(_dir, "random.json");
        CocoResultsFile.Save(path, detections);
        Assert.Equal(detections.Select(CocoResultsFile.AsStored), CocoResultsFile.Load(path, gt));
    }

    [Fact]
    public void ResultsForAnImageTheGroundTruthLacksAreNamed()
    {
        var gt = CocoGroundTruth.Load(Write("gt.json", Gt));
        string path = Path.Combine(_dir, "part.json");
        CocoResultsFile.Save(path, [new CocoDetection(1, 1, new CocoBox(0, 0, 1, 1), 0.5), new CocoDetection(7, 1, new CocoBox(0, 0, 1, 1), 0.5)]);
        var e = Assert.Throws<CocoDataException>(() => CocoResultsFile.Load(path, gt));
        Assert.Contains("part.json", e.Message);
        Assert.Contains("7", e.Message);
    }

    [Fact]
    public void MalformedJsonNamesFileLineAndByte()
    {
        var e = EvaluateFails("[\n{\"image_id\": 1, \"category_id\": 1, \"bbox\": [0,0,1,1], \"score\": 0.5},\n{\"image_id\": 1,, }\n]");
        Assert.Contains("dets.json", e.Message);
        Assert.Contains("line 3", e.Message);
        Assert.Contains("column 16", e.Message);
    }

    [Fact]
    public void NaNLiteralIsExplained()
    {
        var e = EvaluateFails("""[{"image_id": 1, "category_id": 1, "bbox": [0, 0, 1, 1], "score": NaN}]""");
        Assert.Contains("NaN", e.Message);
        Assert.Contains("dets.json, line 1", e.Message);
    }

    [Fact]
    public void DetectionOnUnknownImageNamesTheId()
    {
        var e = EvaluateFails("""
            [{"image_id": 1, "category_id": 1, "bbox": [0, 0, 1, 1], "score": 0.5},
             {"image_id": 77, "category_id": 1, "bbox": [0, 0, 1, 1], "score": 0.5}]
            """);
        Assert.Contains("image_id 77", e.Message);
        Assert.Contains("line 2", e.Message);
        Assert.Contains("detection #2", e.Message);
    }

    [Theory]
    [InlineData("[0, 0, -1, 5]", "0.5", "bbox")]
    [InlineData("[0, 0, 1, 1]", "-0.1", "score")]
    [InlineData("[0, 0, 1, 1]", "1e999", "score")]
    public void NegativeOrNonFiniteValuesAreErrors(string box, string score, string field)
    {
        var e = EvaluateFails($$"""[{"image_id": 1, "category_id": 1, "bbox": {{box}}, "score": {{score}}}]""");
        Assert.Contains(field, e.Message);
        Assert.Contains("dets.json", e.Message);
    }

    [Fact]
    public void InMemoryDetectionsAreCheckedToo()
    {
        var gt = new CocoGroundTruth([new CocoImage(1)], [new CocoCategory(1, "a")], []);
        var e = Assert.Throws<CocoDataException>(() =>
            new CocoEvaluator().Evaluate(gt, [new CocoDetection(5, 1, new CocoBox(0, 0, 1, 1), 0.5)]));
        Assert.Contains("image_id 5", e.Message);
        Assert.Throws<CocoDataException>(() =>
            new CocoEvaluator().Evaluate(gt, [new CocoDetection(1, 1, new CocoBox(0, 0, double.NaN, 1), 0.5)]));
    }

    [Fact]
    public void MissingFieldsAreNamed()
    {
        Assert.Contains("'score'", EvaluateFails("""[{"image_id": 1, "category_id": 1, "bbox": [0, 0, 1, 1]}]""").Message);
        var gt = Gt.Replace("\"bbox\": [0, 0, 10, 10], ", "");
        var e = Assert.Throws<CocoDataException>(() => CocoGroundTruth.Load(Write("gt2.json", gt)));
        Assert.Contains("'bbox'", e.Message);
        Assert.Contains("annotations[0]", e.Message);
        Assert.Contains("gt2.json, line 3", e.Message);
    }

    [Fact]
    public void ResultsFileAsAnObjectWithAnnotationsReadsLikeAnArray()
    {
        const string det = """{"image_id": 1, "category_id": 1, "bbox": [0, 0, 10, 10], "score": 0.5, "segmentation": [[1, 2, 3]]}""";
        var asArray = new CocoEvaluator().EvaluateFiles(Write("gt.json", Gt), Write("a.json", $"[{det}]"));
        var asObject = new CocoEvaluator().EvaluateFiles(Write("gt.json", Gt),
            Write("o.json", $$"""{"info": {"x": [1, {"y": 2}]}, "annotations": [{{det}}], "images": []}"""));
        Assert.Equal(asArray.Stats, asObject.Stats);
        Assert.Equal(1.0, asArray.Stats[1], 12);
    }

    [Fact]
    public void ByteOrderMarkIsAccepted()
    {
        string gt = Write("gt.json", Gt);
        string dets = Path.Combine(_dir, "bom.json");
        File.WriteAllText(dets, """[{"image_id": 1, "category_id": 1, "bbox": [0, 0, 10, 10], "score": 0.5}]""",
            new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        Assert.Equal(1.0, new CocoEvaluator().EvaluateFiles(gt, dets).Stats[1], 12);
    }

    [Fact]
    public void EmptyResultsArrayIsFine()
    {
        var result = new CocoEvaluator().EvaluateFiles(Write("gt.json", Gt), Write("d.json", "[]"));
        Assert.Equal(0, result.Stats[0]);
    }

    [Fact]
    public void FilesLargerThanTheReadBufferParseLikeMemory()
    {
        // Several MB, a token longer than the 1 MB buffer, and detections straddling buffer refills.
        var rng = new Random(5);
        var dets = Enumerable.Range(0, 40000).Select(i => new CocoDetection(1 + i % 2, 1,
            new CocoBox(rng.Next(0, 20), rng.Next(0, 20), rng.Next(1, 20), rng.Next(1, 20)), Math.Round(rng.NextDouble(), 3))).ToList();
        var text = new StringBuilder("{\"info\": \"").Append('x', 3 << 20).Append("\", \"annotations\": [\n");
        text.AppendJoin(",\n  ", dets.Select(d => FormattableString.Invariant(
            $"{{\"image_id\": {d.ImageId}, \"category_id\": 1, \"bbox\": [{d.Box.X}, {d.Box.Y}, {d.Box.Width}, {d.Box.Height}], \"score\": {d.Score:R}}}")));
        text.Append("\n]}");
        string gtPath = Write("gt.json", Gt);
        var fromFile = new CocoEvaluator().EvaluateFiles(gtPath, Write("big.json", text.ToString()));
        var inMemory = new CocoEvaluator().Evaluate(CocoGroundTruth.Load(gtPath), dets);
        Assert.Equal(inMemory.Stats, fromFile.Stats);
        Assert.Equal(40000, fromFile.Counts.Detections);
    }

    [Fact]
    public void DuplicateIdsInTheGroundTruthAreErrors()
    {
        var e = Assert.Throws<CocoDataException>(() => CocoGroundTruth.Load(Write("gt.json", Gt.Replace("{\"id\": 2}", "{\"id\": 1}"))));
        Assert.Contains("image id 1", e.Message);
    }
}
