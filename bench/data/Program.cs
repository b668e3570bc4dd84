using System.Diagnostics;
using ParNetDetect.Data;
using ParNetDetect.Imaging;
using ParNetDetect.Platform;

// usage: dotnet run -c Release --project bench/data -- coco-json [MB=450] [file]
//        dotnet run -c Release --project bench/data -- loader DATA [size=640] [workers=2] [batch=16] [batches=20] [opencvThreads=0: default]
//        dotnet run -c Release --project bench/data -- letterbox [IMAGE]   (a 1920x1080 frame to a 640 tensor, as the service does)
//        dotnet run -c Release --project bench/data -- memory DATA [size=256] [epochs=20] [workers=2] [mosaic=1]
string mode = args.Length > 0 ? args[0] : "";
switch (mode)
{
    case "coco-json": CocoJsonBench.Run(args.Length > 1 ? int.Parse(args[1]) : 450, args.Length > 2 ? args[2] : null); break;
    case "loader": LoaderBench.Throughput(args[1], Arg(2, 640), Arg(3, 2), Arg(4, 16), Arg(5, 20), Arg(6, 0)); break;
    case "letterbox": LetterboxBench.Run(args.Length > 1 ? args[1] : null); break;
    case "memory": LoaderBench.Memory(args[1], Arg(2, 256), Arg(3, 20), Arg(4, 2), Arg(5, 1) == 1); break;
    default: Console.Error.WriteLine("modes: coco-json [MB] [file] | loader DATA [size workers batch batches] | memory DATA [size epochs]"); return 2;
}
return 0;

int Arg(int i, int fallback) => args.Length > i ? int.Parse(args[i]) : fallback;

static class ProcessMemory
{
    public static long RssMb()
    {
        using var p = Process.GetCurrentProcess();
        p.Refresh();
        return p.WorkingSet64 >> 20;
    }

    public static long PeakRssMb()
    {
        using var p = Process.GetCurrentProcess();
        p.Refresh();
        return p.PeakWorkingSet64 >> 20;
    }
}

static class LoaderBench
{
    public static void Throughput(string data, int size, int workers, int batch, int batches, int openCvThreads)
    {
        TorchRuntime.Initialize();
        if (openCvThreads > 0) OpenCvSharp.Cv2.SetNumThreads(openCvThreads);
        var dataset = DetectionDatasets.Open(data);
        Console.WriteLine($"{dataset}; {Environment.ProcessorCount} cores");
        foreach (bool mosaic in new[] { true, false })
        {
            var options = DetectionLoaderOptions.Training(size, batch) with
            {
                Workers = workers,
                Augmentation = AugmentationOptions.Default with { Mosaic = mosaic },
            };
            var loader = new DetectionLoader(dataset, options);
            int images = 0, epoch = 0;
            var clock = new Stopwatch();
            // The first batch (thread start, first decodes) is not timed.
            while (images < batches * batch)
            {
                foreach (var b in loader.Epoch(epoch++))
                {
                    using (b)
                    {
                        if (!clock.IsRunning) { clock.Start(); continue; }
                        images += b.Count;
                    }
                    if (images >= batches * batch) break;
                }
            }
            Console.WriteLine($"size {size}, {workers} workers, OpenCV threads {OpenCvSharp.Cv2.GetNumThreads()}, batch {batch}, mosaic {(mosaic ? "on " : "off")}: " +
                              $"{images / clock.Elapsed.TotalSeconds:F1} images/s ({clock.Elapsed.TotalMilliseconds / (images / (double)batch):F0} ms/batch)");
        }
    }

    public static void Memory(string data, int size, int epochs, int workers, bool mosaic)
    {
        TorchRuntime.Initialize();
        var dataset = DetectionDatasets.Open(data);
        var loader = new DetectionLoader(dataset, DetectionLoaderOptions.Training(size, 8) with
        {
            Workers = workers,
            Augmentation = AugmentationOptions.Default with { Mosaic = mosaic },
        });
        for (int e = 0; e < epochs; e++)
        {
            int n = 0;
            foreach (var b in loader.Epoch(e)) { b.Dispose(); n++; }
            Console.WriteLine($"epoch {e,3}: {n} batches, RSS {ProcessMemory.RssMb()} MB, managed {GC.GetTotalMemory(false) >> 20} MB");
        }
    }
}

/// <summary>The service's per-frame preprocessing: letterbox into a reused tensor, against allocating per frame.</summary>
static class LetterboxBench
{
    public static void Run(string? imagePath)
    {
        TorchRuntime.Initialize();
        using var source = imagePath != null ? OpenCvSharp.Cv2.ImRead(imagePath) : new OpenCvSharp.Mat(720, 1280, OpenCvSharp.MatType.CV_8UC3);
        using var frame = new OpenCvSharp.Mat();
        OpenCvSharp.Cv2.Resize(source.Empty() ? new OpenCvSharp.Mat(720, 1280, OpenCvSharp.MatType.CV_8UC3) : source, frame, new OpenCvSharp.Size(1920, 1080));
        using var letterbox = new LetterboxTransform(640);
        using var tensor = TorchSharp.torch.empty(1, 3, 640, 640);
        const int n = 200;
        for (int i = 0; i < 20; i++) letterbox.ToTensor(frame, tensor);
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < n; i++) letterbox.ToTensor(frame, tensor);
        Console.WriteLine($"letterbox 1920x1080 -> (1,3,640,640) tensor, reused buffers: {clock.Elapsed.TotalMilliseconds / n:F2} ms/frame " +
                          $"(OpenCV threads {OpenCvSharp.Cv2.GetNumThreads()})");
    }
}

/// <summary>Writes a COCO-2017-like instances file of the given size (polygons included) and times the reader.</summary>
static class CocoJsonBench
{
    public static void Run(int megabytes, string? file)
    {
        string path = file ?? Path.Combine(Path.GetTempPath(), $"parnet-bench-instances-{megabytes}mb.json");
        string images = Path.Combine(Path.GetTempPath(), "parnet-bench-images");
        Directory.CreateDirectory(images);
        if (!File.Exists(path) || new FileInfo(path).Length < megabytes * 1_000_000L * 0.95)
        {
            var clock = Stopwatch.StartNew();
            var (imageCount, annotationCount) = Generate(path, megabytes * 1_000_000L);
            Console.WriteLine($"generated {path}: {new FileInfo(path).Length / 1e6:F0} MB, {imageCount} images, {annotationCount} annotations in {clock.Elapsed.TotalSeconds:F1} s");
        }
        long before = ProcessMemory.RssMb();
        var timer = Stopwatch.StartNew();
        var dataset = CocoDatasetReader.Read(path, images, checkImagesExist: false);
        double seconds = timer.Elapsed.TotalSeconds;
        int boxes = 0;
        for (int i = 0; i < dataset.Count; i++) boxes += dataset[i].Annotations.Count;
        Console.WriteLine($"parsed {new FileInfo(path).Length / 1e6:F0} MB: {dataset.Count} images, {boxes} annotations, " +
                          $"{dataset.Categories.Count} categories in {seconds:F1} s; RSS before {before} MB, after {ProcessMemory.RssMb()} MB, " +
                          $"peak {ProcessMemory.PeakRssMb()} MB; managed heap {GC.GetTotalMemory(false) >> 20} MB");
    }

    /// <summary>COCO 2017 train's shape: ~7.3 annotations per image, polygons of ~25 points, ids with gaps.</summary>
    static (int Images, int Annotations) Generate(string path, long targetBytes)
    {
        var rng = new Random(1);
        using var writer = new StreamWriter(path, false, new System.Text.UTF8Encoding(false), 1 << 20);
        writer.Write("{\"info\": {\"description\": \"generated by bench/data\"}, \"licenses\": [], \"images\": [");
        // Images first, as in COCO; the count is sized so that annotations fill the target.
        int images = (int)(targetBytes / 3800);
        for (int i = 0; i < images; i++)
        {
            if (i > 0) writer.Write(',');
            writer.Write($"{{\"license\": 3, \"file_name\": \"{i + 1:D12}.jpg\", \"coco_url\": \"http://images.cocodataset.org/train2017/{i + 1:D12}.jpg\", \"height\": 480, \"width\": 640, \"date_captured\": \"2013-11-14 11:18:45\", \"flickr_url\": \"http://farm4.staticflickr.com/x.jpg\", \"id\": {i + 1}}}");
        }
        writer.Write("], \"annotations\": [");
        int annotations = 0;
        var sb = new System.Text.StringBuilder();
        while (writer.BaseStream.Position < targetBytes - 10_000)
        {
            if (annotations > 0) writer.Write(',');
            sb.Clear();
            int points = rng.Next(6, 40);
            sb.Append("{\"segmentation\": [[");
            for (int p = 0; p < points * 2; p++) { if (p > 0) sb.Append(','); sb.Append((rng.NextDouble() * 600).ToString("F2")); }
            double x = rng.NextDouble() * 500, y = rng.NextDouble() * 400, w = 1 + rng.NextDouble() * 130, h = 1 + rng.NextDouble() * 80;
            sb.Append($"]], \"area\": {w * h:F4}, \"iscrowd\": {(rng.Next(100) == 0 ? 1 : 0)}, \"image_id\": {rng.Next(images) + 1}, ");
            sb.Append($"\"bbox\": [{x:F2},{y:F2},{w:F2},{h:F2}], \"category_id\": {rng.Next(1, 91)}, \"id\": {++annotations + 100000}}}");
            writer.Write(sb);
        }
        writer.Write("], \"categories\": [");
        for (int c = 1; c <= 90; c++) writer.Write($"{(c > 1 ? "," : "")}{{\"supercategory\": \"s\", \"id\": {c}, \"name\": \"class{c}\"}}");
        writer.Write("]}");
        return (images, annotations);
    }
}
