using System.Text;

namespace ParNetDetect.Data.Tests;

public class BadInputTests
{
    static string CocoJson(string images, string annotations, string categories = """[{"id": 3, "name": "car"}, {"id": 7, "name": "train"}]""") =>
        $$"""{"images": {{images}}, "annotations": {{annotations}}, "categories": {{categories}}}""";

    static string WriteImages(TempDir dir, params string[] names)
    {
        string images = Directory.CreateDirectory(dir.File("images")).FullName;
        string source = Directory.GetFiles(Path.Combine(TestPaths.Coco8, "images", "train2017"))[0];
        foreach (string name in names) File.Copy(source, Path.Combine(images, name));
        return images;
    }

    [Fact]
    public void MalformedJsonNamesFileAndLine()
    {
        using var dir = new TempDir();
        string json = dir.File("instances.json");
        File.WriteAllText(json, "{\n\"images\": [\n{\"id\": 1, \"file_name\": \"a.jpg\" \"width\": 10}\n]}");
        var e = Assert.Throws<InvalidDataException>(() => CocoDatasetReader.Read(json, dir.Path));
        Assert.Contains($"{json}:3:", e.Message);
    }

    [Fact]
    public void MalformedJsonPastTheReadersFirstBufferNamesItsLine()
    {
        using var dir = new TempDir();
        string json = dir.File("instances.json");
        // A segmentation polygon (skipped, never materialised) pushes the error past the reader's first megabyte.
        string polygon = string.Join(", ", Enumerable.Range(0, 400_000).Select(i => i % 100));
        File.WriteAllText(json, "{\"categories\": [{\"id\": 1, \"name\": \"a\"}],\n\"annotations\": [\n" +
            $"{{\"id\": 1, \"segmentation\": [[{polygon}]]}},\n{{\"id\": 2 \"image_id\": 1}}\n]}}");
        Assert.True(new FileInfo(json).Length > 1 << 20);
        var e = Assert.Throws<InvalidDataException>(() => CocoDatasetReader.Read(json, dir.Path));
        Assert.StartsWith($"{json}:4: malformed JSON (byte ", e.Message);
        Assert.Contains("is invalid after a value", e.Message);
    }

    [Fact]
    public void BrokenStructureNamesFileAndLine()
    {
        using var dir = new TempDir();
        string json = dir.File("instances.json");
        File.WriteAllText(json, "{\"categories\": [{\"id\": 1, \"name\": \"a\"}],\n\"images\": [\n{\"id\": 1, \"width\": 10, \"height\": 10}\n]}");
        var e = Assert.Throws<InvalidDataException>(() => CocoDatasetReader.Read(json, dir.Path));
        Assert.Contains($"{json}:3:", e.Message);
        Assert.Contains("file_name", e.Message);
    }

    [Fact]
    public void BadAnnotationsAndMissingImagesAreSkippedAndCounted()
    {
        using var dir = new TempDir();
        string imagesDir = WriteImages(dir, "a.jpg", "b.jpg");
        string json = dir.File("instances.json");
        File.WriteAllText(json, "\uFEFF" + CocoJson(
            """
            [{"id": 1, "file_name": "a.jpg", "width": 100, "height": 50},
             {"id": 2, "file_name": "b.jpg", "width": 100, "height": 50},
             {"id": 3, "file_name": "missing.jpg", "width": 100, "height": 50}]
            """,
            """
            [{"id": 10, "image_id": 1, "category_id": 3, "bbox": [10, 10, 20, 20], "area": 400, "iscrowd": 0, "segmentation": [[1,2,3,4,5,6]]},
             {"id": 11, "image_id": 1, "category_id": 7, "bbox": [90, 40, 30, 30], "area": 900, "iscrowd": 0},
             {"id": 12, "image_id": 1, "category_id": 7, "bbox": [200, 10, 5, 5], "area": 25, "iscrowd": 0},
             {"id": 13, "image_id": 1, "category_id": 5, "bbox": [1, 1, 5, 5], "area": 25, "iscrowd": 0},
             {"id": 14, "image_id": 99, "category_id": 3, "bbox": [1, 1, 5, 5], "area": 25, "iscrowd": 0},
             {"id": 15, "image_id": 2, "category_id": 3, "bbox": [1, 1, 5], "area": 25, "iscrowd": 0},
             {"id": 16, "image_id": 2, "category_id": 7, "bbox": [0, 0, 100, 50], "area": 4000, "iscrowd": 1,
              "segmentation": {"counts": [0, 5000], "size": [50, 100]}}]
            """));
        var ds = CocoDatasetReader.Read(json, imagesDir);
        Assert.Equal(2, ds.Count);
        var a = ds[0];
        Assert.Equal(2, a.Annotations.Count);
        Assert.Equal(new BoxXywh(90, 40, 10, 10), a.Annotations[1].Box); // clipped to the image
        Assert.Equal(1, ds.Categories.ToClassIndex(7));
        var crowd = Assert.Single(ds[1].Annotations);
        Assert.True(crowd.IsCrowd);
        Assert.Empty(ds[1].TrainingTargets);
        Assert.Equal(1, ds.Issues.Count(DatasetIssues.MissingImage));
        Assert.Equal(1, ds.Issues.Count(DatasetIssues.BoxClipped));
        Assert.Equal(1, ds.Issues.Count(DatasetIssues.BoxDropped));
        Assert.Equal(1, ds.Issues.Count(DatasetIssues.UnknownCategory));
        Assert.Equal(1, ds.Issues.Count(DatasetIssues.OrphanAnnotation));
        Assert.Equal(1, ds.Issues.Count(DatasetIssues.MalformedAnnotation));
        Assert.Contains("missing.jpg", ds.Issues.Summary());
    }

    [Fact]
    public void LargeFileStreamsThroughBufferRefills()
    {
        // Several MB, so tokens straddle the reader's 1 MB buffer many times, with long segmentation arrays to skip.
        using var dir = new TempDir();
        string imagesDir = WriteImages(dir, "a.jpg");
        var sb = new StringBuilder();
        int n = 30_000;
        for (int i = 0; i < n; i++)
        {
            if (i > 0) sb.Append(',');
            sb.Append($$"""{"segmentation": [[{{string.Join(',', Enumerable.Range(0, 40).Select(k => k * 1.25))}}]], "id": {{i + 1}}, "image_id": 1, "category_id": {{(i % 2 == 0 ? 3 : 7)}}, "bbox": [{{i % 50}}.5, 1, 10.25, 20], "area": 205, "iscrowd": 0}""");
        }
        string json = dir.File("big.json");
        File.WriteAllText(json, CocoJson("""[{"id": 1, "file_name": "a.jpg", "width": 100, "height": 50}]""", $"[{sb}]"));
        Assert.True(new FileInfo(json).Length > 5_000_000);
        var ds = CocoDatasetReader.Read(json, imagesDir);
        var annotations = ds[0].Annotations;
        Assert.Equal(n, annotations.Count);
        Assert.Equal(n / 2, annotations.Count(a => a.ClassIndex == 1));
        Assert.Equal(49.5f, annotations[n - 1].Box.X);
        Assert.Equal(n, annotations[n - 1].Id);
    }

    [Fact]
    public void ATokenLargerThanTheReadBufferIsReadWhole()
    {
        using var dir = new TempDir();
        string imagesDir = WriteImages(dir, "a.jpg");
        string json = dir.File("instances.json");
        string huge = new string('x', 3 << 20); // 3 MB string: the 1 MB buffer has to grow
        File.WriteAllText(json, $$"""{"info": {"description": "{{huge}}"}, "images": [{"id": 1, "file_name": "a.jpg", "width": 10, "height": 10}], "annotations": [], "categories": [{"id": 1, "name": "{{huge[..1000]}}"}]}""");
        var ds = CocoDatasetReader.Read(json, imagesDir);
        Assert.Equal(1000, ds.ClassNames[0].Length);
    }

    [Fact]
    public void YoloBadLabelLinesAreSkippedWithFileAndLine()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.File("labels"));
        WriteImages(dir, "a.jpg", "b.jpg", "c.jpg");
        File.WriteAllText(dir.File("data.yaml"), "path: .\ntrain: images\nnames: [cat, dog]\n");
        File.WriteAllText(dir.File("labels/a.txt"),
            "0 0.5 0.5 0.2 0.2\n" +
            "5 0.5 0.5 0.2 0.2\n" + // class out of range
            "1 0.5 zero 0.2 0.2\n" + // malformed
            "1 0.95 0.5 0.2 0.2\n" + // partly outside: clipped
            "1 1.5 1.5 0.1 0.1\n" + // outside: dropped
            "0 0.1 0.1 0.3 0.1 0.3 0.3\n"); // a segment, reduced to its box
        File.WriteAllText(dir.File("labels/b.txt"), "\n");
        var ds = DetectionDatasets.Open(dir.Path);
        var a = ds[0];
        Assert.Equal(3, a.Annotations.Count);
        Assert.Equal(a.Width, a.Annotations[1].Box.Right, 1e-3f);
        string label = Path.Combine(dir.Path, "labels", "a.txt");
        Assert.Equal(1, ds.Issues.Count(DatasetIssues.ClassOutOfRange));
        Assert.Equal(1, ds.Issues.Count(DatasetIssues.MalformedLabelLine));
        Assert.Equal(1, ds.Issues.Count(DatasetIssues.BoxClipped));
        Assert.Equal(1, ds.Issues.Count(DatasetIssues.BoxDropped));
        Assert.Equal(1, ds.Issues.Count(DatasetIssues.EmptyLabelFile));
        Assert.Equal(1, ds.Issues.Count(DatasetIssues.MissingLabelFile));
        string summary = ds.Issues.Summary();
        Assert.Contains($"{label}:2", summary);
        Assert.Contains($"{label}:3", summary);
    }

    [Fact]
    public void MalformedDataYamlAndUnknownLayoutAreClearErrors()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("data.yaml"), "train: images\nnames: [a, b\n");
        var e = Assert.Throws<InvalidDataException>(() => DetectionDatasets.Open(dir.File("data.yaml")));
        Assert.Contains("data.yaml", e.Message);
        File.Delete(dir.File("data.yaml"));
        var none = Assert.Throws<ArgumentException>(() => DetectionDatasets.Open(dir.Path, "val"));
        Assert.Contains("val/instances.json", none.Message);
    }

    [Fact]
    public void CorruptImageIsFoundByDataCheck()
    {
        using var dir = new TempDir();
        string imagesDir = WriteImages(dir, "a.jpg", "b.jpg");
        // Keep the JPEG header (so the size reads) but cut the data: the file cannot be decoded.
        byte[] bytes = File.ReadAllBytes(Path.Combine(imagesDir, "b.jpg"));
        File.WriteAllBytes(Path.Combine(imagesDir, "b.jpg"), bytes[..300]);
        string json = dir.File("instances.json");
        File.WriteAllText(json, CocoJson("""
            [{"id": 1, "file_name": "a.jpg", "width": 100, "height": 50}, {"id": 2, "file_name": "b.jpg", "width": 100, "height": 50}]
            """, "[]"));
        var report = DatasetReport.Create(DetectionDatasets.Open(json), decode: true);
        Assert.Equal(1, report.Issues.Count(DatasetIssues.CorruptImage));
        Assert.Contains("b.jpg", report.ToString());
    }
}
