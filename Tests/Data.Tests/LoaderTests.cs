using System.Diagnostics;
using TorchSharp;

namespace ParNetDetect.Data.Tests;

public class LoaderTests(SyntheticFixture data) : IClassFixture<SyntheticFixture>
{
    static DetectionLoaderOptions Training(int seed = 0) =>
        DetectionLoaderOptions.Training(128, 4, seed) with { Workers = 2, PrefetchBatches = 2 };

    [Fact]
    public void BatchesHaveTheAgreedLayout()
    {
        var loader = new DetectionLoader(data.Train, Training());
        Assert.Equal(6, loader.BatchCount);
        int batches = 0;
        foreach (var batch in loader.Epoch(0))
        {
            using (batch)
            {
                batches++;
                Assert.Equal([4L, 3, 128, 128], batch.Images.shape);
                Assert.Equal(torch.float32, batch.Images.dtype);
                Assert.InRange(batch.Images.min().item<float>(), 0f, 1f);
                Assert.InRange(batch.Images.max().item<float>(), 0f, 1f);
                Assert.Equal(2, batch.Targets.dim());
                Assert.Equal(6, batch.Targets.shape[1]);
                Assert.True(batch.Targets.shape[0] > 0);
                var t = batch.Targets;
                Assert.InRange(t[.., 0].max().item<float>(), 0, 3);
                Assert.InRange(t[.., 1].max().item<float>(), 0, 5);
                Assert.InRange(t[.., 2..].min().item<float>(), 0, 1);
                Assert.InRange(t[.., 2..].max().item<float>(), 0, 1);
                Assert.Equal(4, batch.Count);
            }
        }
        Assert.Equal(6, batches);
    }

    [Fact]
    public void SameSeedSameBatchesWhateverTheWorkers()
    {
        float[] Checksums(DetectionLoaderOptions o) =>
            new DetectionLoader(data.Train, o).Epoch(1).Select(b =>
            {
                using (b) return b.Images.sum().item<float>() + b.Targets.sum().item<float>();
            }).ToArray();
        var one = Checksums(Training(7) with { Workers = 1 });
        var two = Checksums(Training(7) with { Workers = 2 });
        var other = Checksums(Training(8));
        Assert.Equal(one, two);
        Assert.NotEqual(one, other);
    }

    [Fact]
    public void ValidationIsLetterboxOnlyInDatasetOrder()
    {
        var loader = new DetectionLoader(data.Val, DetectionLoaderOptions.Validation(128, 4) with { Workers = 2 });
        var items = new List<BatchItem>();
        foreach (var batch in loader.Epoch())
            using (batch) items.AddRange(batch.Items);
        Assert.Equal(Enumerable.Range(0, data.Val.Count), items.Select(i => i.DatasetIndex));
        Assert.All(items, i => Assert.Equal(1f, i.Letterbox.Scale, 1e-3f)); // synth images are already 128
        // Targets are the dataset's boxes, normalised.
        using var first = loader.Epoch().First();
        var box = data.Val[0].Annotations[0].Box;
        Assert.Equal((box.X + box.Width / 2) / 128, first.Targets[0, 2].item<float>(), 1e-4f);
    }

    [Fact]
    public void ACorruptImageMidEpochDoesNotStopTrainingOrValidation()
    {
        using var dir = new TempDir();
        var good = data.Train;
        var records = Enumerable.Range(0, good.Count).Select(i => good[i]).ToList();
        string broken = dir.File("broken.jpg");
        File.WriteAllBytes(broken, File.ReadAllBytes(records[5].FilePath)[..200]);
        records[5] = new ImageRecord(records[5].Id, broken, records[5].Width, records[5].Height, records[5].Annotations.ToArray());
        records[9] = new ImageRecord(records[9].Id, dir.File("gone.jpg"), records[9].Width, records[9].Height, []);
        var ds = new DetectionDataset("broken", "coco", good.Categories, records, new DatasetIssues());

        var training = new DetectionLoader(ds, Training());
        Assert.Equal(6, training.Epoch().Count(b => { b.Dispose(); return true; }));
        Assert.True(training.Issues.Count(DatasetIssues.CorruptImage) >= 2);

        var validation = new DetectionLoader(ds, DetectionLoaderOptions.Validation(128, 4));
        var failed = validation.Epoch().SelectMany(b => { using (b) return b.Items; }).Where(i => i.DecodeFailed).Select(i => i.DatasetIndex);
        Assert.Equal([5, 9], failed);
    }

    [Fact]
    public void StrictLoadingFailsAtACorruptImageNamingIt()
    {
        using var dir = new TempDir();
        var good = data.Train;
        var records = Enumerable.Range(0, good.Count).Select(i => good[i]).ToList();
        string broken = dir.File("broken.jpg");
        File.WriteAllBytes(broken, File.ReadAllBytes(records[5].FilePath)[..200]);
        records[5] = new ImageRecord(records[5].Id, broken, records[5].Width, records[5].Height, records[5].Annotations.ToArray());
        var ds = new DetectionDataset("broken", "coco", good.Categories, records, new DatasetIssues());

        foreach (var options in new[] { Training(), DetectionLoaderOptions.Validation(128, 4) })
        {
            var loader = new DetectionLoader(ds, options with { Strict = true });
            var e = Assert.Throws<InvalidDataException>(() => { foreach (var b in loader.Epoch()) b.Dispose(); });
            Assert.StartsWith($"{broken}: unreadable or corrupt image", e.Message);
        }
    }

    [Fact]
    public void StrictLoadingRefusesADatasetWhoseReadingSkippedSomething()
    {
        var issues = new DatasetIssues();
        issues.Add(DatasetIssues.MalformedLabelLine, "labels/a.txt:3");
        var records = Enumerable.Range(0, data.Train.Count).Select(i => data.Train[i]).ToList();
        var ds = new DetectionDataset("labels", "yolo", data.Train.Categories, records, issues);
        var e = Assert.Throws<InvalidDataException>(() => new DetectionLoader(ds, Training() with { Strict = true }));
        Assert.StartsWith("labels/a.txt:3: malformed label line", e.Message);
        _ = new DetectionLoader(ds, Training());   // lenient: skipped and counted
    }

    [Fact]
    public void ADatasetOfUnreadableImagesFailsWithAClearErrorInsteadOfHanging()
    {
        using var dir = new TempDir();
        var records = Enumerable.Range(0, 8).Select(i => new ImageRecord(i, dir.File($"gone{i}.jpg"), 64, 64, [])).ToList();
        var ds = new DetectionDataset("gone", "coco", data.Train.Categories, records, new DatasetIssues());
        var loader = new DetectionLoader(ds, Training());
        var e = Assert.Throws<InvalidDataException>(() => loader.Epoch().First().Dispose());
        Assert.Contains("could not be decoded", e.Message);
        Assert.Contains("gone", e.Message);
    }

    [Fact]
    public void AbandoningAnEpochStopsTheWorkers()
    {
        var loader = new DetectionLoader(data.Train, Training() with { PrefetchBatches = 1 });
        var clock = Stopwatch.StartNew();
        foreach (var batch in loader.Epoch())
        {
            batch.Dispose();
            break;
        }
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10));
    }
}

/// <summary>Alone in its collection: tests running beside it would move the process's memory too.</summary>
[CollectionDefinition(nameof(LoaderMemoryTests), DisableParallelization = true)]
public class LoaderMemoryCollection;

[Collection(nameof(LoaderMemoryTests))]
public class LoaderMemoryTests(SyntheticFixture data) : IClassFixture<SyntheticFixture>
{
    [Fact]
    public void NativeMemoryStaysFlatOverManyBatches()
    {
        // One long epoch (the fixture's images 20 times over): after warm-up, 100 more batches must not grow the
        // process. A leaked batch is 3 MB, a leaked decoded image 50-200 kB, so a leak shows as tens of MB
        // (not disposing the batches here makes it grow by about 300 MB).
        var records = Enumerable.Range(0, 20 * data.Train.Count).Select(i => data.Train[i % data.Train.Count]).ToList();
        var repeated = new DetectionDataset("repeated", "coco", data.Train.Categories, records, new DatasetIssues());
        var loader = new DetectionLoader(repeated, DetectionLoaderOptions.Training(256, 4, 1) with { Workers = 2 });
        long Rss() { using var p = Process.GetCurrentProcess(); p.Refresh(); return p.WorkingSet64; }
        long before = 0;
        int n = 0;
        foreach (var batch in loader.Epoch())
        {
            batch.Dispose();
            if (++n == 20) before = Rss();
        }
        Assert.Equal(120, n);
        long grown = Rss() - before;
        Assert.True(grown < 16L << 20, $"resident memory grew by {grown >> 20} MB over 100 batches");
    }
}
