namespace ParNetDetect.Data.Tests;

public class DatasetReaderTests
{
    [Fact]
    public void CocoReadsImagesBoxesAndCategoryMap()
    {
        var ds = DetectionDatasets.Open(TestPaths.Coco8Json);
        Assert.Equal("coco", ds.Format);
        Assert.Equal(8, ds.Count);
        Assert.Equal(80, ds.ClassNames.Count);
        Assert.Equal(34, Enumerable.Range(0, ds.Count).Sum(i => ds[i].Annotations.Count));
        // COCO ids have gaps: class 79 (toothbrush) is category 90, class 11 (stop sign) is 13.
        Assert.Equal(90, ds.Categories.ToCategoryId(79));
        Assert.Equal(11, ds.Categories.ToClassIndex(13));
        Assert.False(ds.Categories.TryGetClassIndex(12, out _));
        Assert.Equal("no problems found", ds.Issues.Summary());
    }

    [Fact]
    public void YoloAndCocoLayoutsAgree()
    {
        var coco = DetectionDatasets.Open(TestPaths.Coco8Json);
        var yolo = DetectionDatasets.Open(TestPaths.Coco8, "train"); // the folder holds data.yaml
        Assert.Equal(("coco", "yolo"), (coco.Format, yolo.Format));
        Assert.Equal(coco.Count, yolo.Count);
        var cocoById = Enumerable.Range(0, coco.Count).Select(i => coco[i]).ToDictionary(r => r.Id);
        for (int i = 0; i < yolo.Count; i++)
        {
            var y = yolo[i];
            var c = cocoById[y.Id];
            Assert.Equal((c.Width, c.Height), (y.Width, y.Height));
            Assert.Equal(c.Annotations.Count, y.Annotations.Count);
            foreach (var (a, b) in c.Annotations.OrderBy(a => a.Box.X).Zip(y.Annotations.OrderBy(a => a.Box.X)))
            {
                Assert.Equal(a.ClassIndex, b.ClassIndex);
                Assert.Equal(a.Box.X, b.Box.X, 0.05f);
                Assert.Equal(a.Box.Height, b.Box.Height, 0.05f);
            }
        }
        Assert.Equal(1, yolo.Issues.Count(DatasetIssues.MissingLabelFile));
    }

    [Fact]
    public void FilesAreEveryAnnotationFileAndImageRead()
    {
        var coco = DetectionDatasets.Open(TestPaths.Coco8Json).Files.ToList();
        Assert.Equal(9, coco.Count);
        Assert.Contains(TestPaths.Coco8Json, coco);
        Assert.Equal(8, coco.Count(f => f.EndsWith(".jpg")));

        // YOLO: data.yaml, the 7 label files that exist (one image is background) and the 8 images.
        var yolo = DetectionDatasets.Open(TestPaths.Coco8, "train").Files.ToList();
        Assert.Equal(16, yolo.Count);
        Assert.Contains(TestPaths.Coco8Yaml, yolo);
        Assert.Equal(7, yolo.Count(f => f.EndsWith(".txt") && File.Exists(f)));
        Assert.Equal(8, yolo.Count(f => f.EndsWith(".jpg")));
    }

    [Fact]
    public void CocoRootFolderIsFoundBySplit()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.File("annotations"));
        File.Copy(TestPaths.Coco8Json, dir.File("annotations/instances_val2017.json"));
        Directory.CreateDirectory(dir.File("images"));
        Directory.CreateDirectory(dir.File("images/val2017"));
        foreach (string f in Directory.GetFiles(Path.Combine(TestPaths.Coco8, "images", "train2017")))
            File.Copy(f, Path.Combine(dir.File("images/val2017"), Path.GetFileName(f)));
        var ds = DetectionDatasets.Open(dir.Path, "val");
        Assert.Equal(("coco", 8), (ds.Format, ds.Count));
        Assert.StartsWith(dir.File("images/val2017"), ds[0].FilePath);
        Assert.Throws<ArgumentException>(() => DetectionDatasets.Open(dir.Path, "train"));
    }

    [Fact]
    public void ImageHeaderReadsJpegPngAndBmpSizesWithoutDecoding()
    {
        var ds = DetectionDatasets.Open(TestPaths.Coco8Json);
        for (int i = 0; i < ds.Count; i++)
            Assert.Equal((ds[i].Width, ds[i].Height), ImageHeader.TryReadSize(ds[i].FilePath));
        using var dir = new TempDir();
        using var image = new OpenCvSharp.Mat(37, 53, OpenCvSharp.MatType.CV_8UC3);
        foreach (string ext in new[] { ".png", ".bmp" })
        {
            OpenCvSharp.Cv2.ImWrite(dir.File("a" + ext), image);
            Assert.Equal((53, 37), ImageHeader.TryReadSize(dir.File("a" + ext)));
        }
        File.WriteAllText(dir.File("b.jpg"), "not an image");
        Assert.Null(ImageHeader.TryReadSize(dir.File("b.jpg")));
    }
}
