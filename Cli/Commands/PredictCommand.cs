using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using CocoEval;
using OpenCvSharp;
using ParNetDetect.CommandLine;
using ParNetDetect.Data;
using ParNetDetect.DetectionHead;
using ParNetDetect.Evaluation;
using ParNetDetect.FileSafety;
using ParNetDetect.Imaging.Video;
using ParNetDetect.Inference;
using ParNetDetect.Inference.Backends;
using ParNetDetect.Inference.Drawing;
using ParNetDetect.Sharding;

namespace ParNetDetect.Cli.Commands;

/// <summary>
/// `detect predict`: detections on images, a folder, a video file, a camera or a network stream; annotated copies and
/// JSON. Videos, cameras and streams are read by Imaging's frame sources, as the service reads its cameras.
/// </summary>
public static class PredictCommand
{
    static readonly string[] ImageExtensions = [".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff"];
    static readonly string[] VideoExtensions = [".mp4", ".avi", ".mkv", ".mov", ".webm", ".m4v", ".mjpg", ".mjpeg"];
    const string DetectionsFile = "detections.json";
    /// <summary>A camera or stream that drops is reopened as the service's cameras are (0.5 s, doubling); five
    /// failed attempts in a row (about 15 s) end the run.</summary>
    static readonly ReconnectPolicy Reconnect = new(TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(30), MaxAttempts: 5);

    public static Command Create(CommandLineApp app)
    {
        var weights = VerbOptions.Text("--weights", "a checkpoint, an exported .onnx file, or demo for the bundled model " +
                                                    "(required unless --merge)");
        var source = VerbOptions.Text("--source", "an image, a folder of images, a video file, a camera (0, 1, ... or /dev/videoN) " +
                                                  "or a stream URL (rtsp://, http://, ...) (required unless --merge)");
        var outDir = VerbOptions.Text("--out", "runs/predict", "where annotated copies and the detections go");
        var conf = VerbOptions.OptionalNumber("--conf", "lowest score kept, for every class (default: the model's own thresholds)", 0, 1);
        var iou = VerbOptions.Number("--iou", 0.45, "NMS IoU threshold", 0, 1);
        var img = new ImageSizeChoice();
        var maxDet = VerbOptions.Int("--max-det", 300, "detections kept per image", 1, 100_000);
        var backend = new BackendChoice();
        var frames = VerbOptions.Int("--frames", 0, "video or camera: stop after N frames (0 = to the end, or Ctrl-C)", 0, int.MaxValue);
        var noSave = VerbOptions.Flag("--no-save", "print detections; no annotated copies or detection files in --out");
        var saveJson = VerbOptions.Text("--save-json", "also write the detections as COCO results (image id = frame number, or the image's place in order, from 1)");
        var force = VerbOptions.Flag("--force", "write into an --out folder that holds files (never over the source images or the weights)");
        var shard = VerbOptions.Text("--shard", "i/n: only the i-th of n parts of a folder of images; auto: i/n from the scheduler");
        var merge = VerbOptions.Text("--merge", "FILE[,FILE...]: join the parts' detections.json into --out/detections.json");
        var command = new Command("predict", "detect objects in an image, a folder, a video, a camera or a stream; annotated output + JSON")
        {
            weights, source, outDir, conf, iou, img.Option, maxDet, frames, noSave, saveJson, force, shard, merge,
        };
        foreach (var option in backend.Options) command.Options.Add(option);
        app.SetNotes(command, """
            Images: annotated copies and detections.json (one entry per image) in --out. Video, camera or stream:
            <name>.avi (MJPG, annotated) and <name>.jsonl (one line per frame, frames numbered from 1); a camera or
            stream runs until Ctrl-C or --frames, and is reopened when it drops (as `detect serve` does; five failed
            attempts in a row end the run). Network streams are read through ffmpeg. Boxes are x1, y1, x2, y2 in the
            source's pixels. Scores: the model's own thresholds (per class once `detect val --calibrate` wrote them into
            the weights) unless --conf sets one for every class. --save-json FILE writes COCO results with the model's
            category ids, numbered as `detect synth --video` numbers its ground truth (frames from 1; images by their
            place in the folder, from 1), so `coco-eval VIDEO.json FILE` scores them. --out is not written into if it
            holds files, and FILE is not replaced, unless --force; the source images and the weights are never written
            over, not even then.
            --shard i/n (a folder only) detects the i-th of n contiguous parts of the folder, of equal work by image count
            and size (read from the headers); auto takes i/n from a Slurm array or Kubernetes Indexed Job
            (docs/cluster.md). --merge joins the parts' detections.json files, listed in shard order, into
            --out/detections.json, in the order one process writes; a missing part is an error naming its shard.
            """);
        command.SetAction(p =>
        {
            if (p.GetValue(merge) is { } parts) return Merge(parts, p.GetValue(outDir)!, p.GetValue(force));
            string w = p.GetValue(weights) ?? throw new UsageException("--weights is required (or --merge).");
            string s = p.GetValue(source) ?? throw new UsageException("--source is required (or --merge).");
            ShardChoice? part = null;
            try { if (p.GetValue(shard) is { } text) part = SchedulerShard.Resolve(text); }
            catch (ArgumentException e) { throw new UsageException("--shard " + e.Message); }
            if (part is not null && !Directory.Exists(s)) throw new UsageException("--shard needs a folder of images as --source.");
            return Run(w, s, p.GetValue(outDir)!, p.GetValue(conf), DetectOptions.Default with
            {
                IouThreshold = (float)p.GetValue(iou),
                MaxDetections = p.GetValue(maxDet),
            }, backend.Read(p), img.Read(p), p.GetValue(frames), !p.GetValue(noSave), p.GetValue(saveJson), p.GetValue(force), part);
        });
        return command;
    }

    static int Run(string weights, string source, string outDir, double? conf, DetectOptions options, BackendOptions backend,
        int? imageSize, int maxFrames, bool save, string? saveJson, bool force, ShardChoice? shard)
    {
        bool isCamera = FrameSources.IsCamera(source);
        if (!isCamera && !Directory.Exists(source) && !File.Exists(source))
            throw new FileNotFoundException(FrameSources.SchemeProblem(source) is { } problem ? $"source {problem}"
                : $"source {source} does not exist (image, folder, video, camera index or stream URL).");
        bool isVideo = !isCamera && !Directory.Exists(source) && VideoExtensions.Contains(Path.GetExtension(source).ToLowerInvariant());
        // Images are known before anything runs, so every file this run would write is checked first.
        IReadOnlyList<string> images = isCamera || isVideo ? [] : Directory.Exists(source) ? ListImages(source) : [source];
        // --save-json's image ids: the place in the whole folder, so a shard's ids are those of one process.
        var imageIds = images.Select((file, i) => (file, id: i + 1L)).ToDictionary(x => x.file, x => x.id);
        if (shard is not null)
        {
            images = ImageFilesShard.Select(images, shard.Shard);
            Console.WriteLine($"shard {shard.Shard} ({shard.Origin}): {images.Count} images");
        }
        // A stream's URL may hold credentials: its outputs are just "stream".
        string stream = FrameSources.DeviceIndex(source) is { } camera ? $"camera{camera}"
            : isCamera ? "stream" : Path.GetFileNameWithoutExtension(source);
        var outputs = new OutputGuard(force, [Detector.ResolveWeights(weights), .. isVideo ? [source] : images]);
        if (saveJson is not null) outputs.File(saveJson, "--save-json");
        if (save)
        {
            outputs.Folder(outDir, "--out", "choose another --out");
            var (video, lines) = StreamFiles(outDir, stream);
            string[] files = isCamera || isVideo ? [video, lines]
                : [.. images.Select(i => AnnotatedFile(outDir, i)), Path.Combine(outDir, DetectionsFile)];
            foreach (string file in files) outputs.File(file, "--out");
        }
        using var detector = Detector.Load(weights, backend, imageSize);
        Console.WriteLine($"{detector.Info.Model} ({detector.Source}): {detector.ClassNames.Count} classes, {detector.ImageSize} px");
        if (conf is { } c) options = options with { ConfidenceThreshold = (float)c };
        else
        {
            options = detector.AtModelThresholds(options);
            Console.WriteLine($"scores: the model's thresholds, {detector.Info.DescribeScoreThresholds()}");
        }
        if (save) Directory.CreateDirectory(outDir);
        var results = saveJson is null ? null : new List<CocoDetection>();

        int code = isCamera || isVideo
            ? Stream(detector, new FrameSourceOptions(source), stream, outDir, options, save, maxFrames, results)
            : Images(detector, images, imageIds, outDir, options, save, results);
        if (results is not null)
        {
            CocoResultsFile.Save(saveJson!, results);
            Console.WriteLine($"wrote {results.Count} detections as COCO results to {saveJson}");
        }
        return code;
    }

    /// <summary>Collects one image's or frame's detections for --save-json; <paramref name="imageId"/> counts from 1.</summary>
    static void Collect(List<CocoDetection>? results, IReadOnlyList<Detection> detections, long imageId, Detector detector) =>
        results?.AddRange(CocoDetections.Of(detections, imageId, c => detector.Info.CategoryIds[c]));

    static List<string> ListImages(string folder)
    {
        var files = Directory.EnumerateFiles(folder)
            .Where(f => ImageExtensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
            .Order(StringComparer.Ordinal).ToList();
        return files.Count > 0 ? files : throw new IOException($"{folder} holds no images ({string.Join(" ", ImageExtensions)}).");
    }

    static string AnnotatedFile(string outDir, string image) => Path.Combine(outDir, Path.GetFileName(image));

    /// <summary>A video's or camera's outputs: the annotated MJPG and one JSON line per frame.</summary>
    static (string Video, string Lines) StreamFiles(string outDir, string name) =>
        (Path.Combine(outDir, name + ".avi"), Path.Combine(outDir, name + ".jsonl"));

    static int Images(Detector detector, IReadOnlyList<string> files, IReadOnlyDictionary<string, long> imageIds, string outDir,
        DetectOptions options, bool save, List<CocoDetection>? results)
    {
        var entries = new List<object>();
        int failed = 0;
        foreach (string file in files)
        {
            using var image = Cv2.ImRead(file, ImreadModes.Color);
            if (image.Empty())
            {
                Console.Error.WriteLine($"{file}: not a readable image, skipped.");
                failed++;
                continue;
            }
            var watch = Stopwatch.StartNew();
            var detections = detector.Detect(image, options);
            double ms = watch.Elapsed.TotalMilliseconds;
            Console.WriteLine($"{Path.GetFileName(file)}: {Describe(detections, detector.ClassNames)} ({ms:F1} ms)");
            Collect(results, detections, imageIds[file], detector);
            entries.Add(new { file = Path.GetFileName(file), width = image.Cols, height = image.Rows, detections = Json(detections, detector.ClassNames) });
            if (save)
            {
                DetectionDrawing.Draw(image, detections, detector.ClassNames);
                Cv2.ImWrite(AnnotatedFile(outDir, file), image);
            }
        }
        if (save)
        {
            string json = Path.Combine(outDir, DetectionsFile);
            File.WriteAllText(json, JsonSerializer.Serialize(entries, new JsonSerializerOptions { WriteIndented = true }));
            Console.WriteLine($"wrote {entries.Count} annotated images and {json}");
        }
        return files.Count > 0 && failed == files.Count ? 1 : 0; // an empty shard is not a failure
    }

    static int Merge(string merge, string outDir, bool force)
    {
        string output = Path.Combine(outDir, DetectionsFile);
        var parts = merge.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        new OutputGuard(force, parts).File(output, "--out", "choose another --out");
        int images = JsonResultParts.Merge(parts, "file", output);
        Console.WriteLine($"merged {parts.Length} parts: {images} images in {output}");
        return ExitCodes.Ok;
    }

    static int Stream(Detector detector, FrameSourceOptions source, string name, string outDir, DetectOptions options, bool save,
        int maxFrames, List<CocoDetection>? results)
    {
        using var stop = new StopSignals("finishing the output files");
        using var done = CancellationTokenSource.CreateLinkedTokenSource(stop.Token); // or --frames reached
        using var buffer = new Mat();
        VideoWriter? writer = null;
        StreamWriter? lines = null;
        double fps = 25;
        int frames = 0;
        var watch = Stopwatch.StartNew();
        var (videoFile, linesFile) = StreamFiles(outDir, name);
        var reader = new ReconnectingReader(() => FrameSources.Create(source), Reconnect);
        reader.Opened += opened => fps = opened.FramesPerSecond is > 0 and < 1000 ? opened.FramesPerSecond : 25;
        reader.Reconnecting += attempt => Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{CredentialMask.Apply(attempt.Error)}; reconnecting in {attempt.Delay.TotalSeconds:0.0} s (attempt {attempt.Number})"));
        ReadOutcome outcome;
        try
        {
            outcome = reader.Run(() => buffer, frame =>
            {
                var detections = detector.Detect(frame, options);
                int number = ++frames; // frames count from 1, as the ground truth of `detect synth --video` does
                Collect(results, detections, number, detector);
                if (save)
                {
                    writer ??= new VideoWriter(videoFile, FourCC.MJPG, fps, frame.Size());
                    lines ??= new StreamWriter(linesFile);
                    lines.WriteLine(JsonSerializer.Serialize(new { frame = number, detections = Json(detections, detector.ClassNames) }));
                    DetectionDrawing.Draw(frame, detections, detector.ClassNames);
                    writer.Write(frame);
                }
                else Console.WriteLine($"frame {number}: {Describe(detections, detector.ClassNames)}");
                if (frames == maxFrames) done.Cancel();
            }, done.Token);
        }
        finally
        {
            writer?.Dispose();
            lines?.Dispose();
        }
        double seconds = watch.Elapsed.TotalSeconds;
        string written = save ? $"; wrote {videoFile} and {linesFile}" : "";
        if (frames > 0 || outcome.Error == null)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{frames} frames in {seconds:F1} s ({frames / Math.Max(seconds, 1e-9):F1} fps){written}"));
        if (outcome.End == ReadEnd.GaveUp)
            throw new IOException($"gave up after {Reconnect.MaxAttempts} attempts: {CredentialMask.Apply(outcome.Error!)}");
        if (outcome.End == ReadEnd.Failed)
            throw new IOException(CredentialMask.Apply(outcome.Error!));
        return frames > 0 ? 0 : 1;
    }

    static object[] Json(IReadOnlyList<Detection> detections, IReadOnlyList<string> names) =>
        detections.Select(d => (object)new
        {
            @class = names[d.ClassIndex], class_index = d.ClassIndex, score = MathF.Round(d.Score, 4),
            box = new[] { MathF.Round(d.X1, 1), MathF.Round(d.Y1, 1), MathF.Round(d.X2, 1), MathF.Round(d.Y2, 1) },
        }).ToArray();

    static string Describe(IReadOnlyList<Detection> detections, IReadOnlyList<string> names) =>
        detections.Count == 0 ? "nothing"
            : string.Join(", ", detections.GroupBy(d => d.ClassIndex).OrderBy(g => g.Key).Select(g => $"{g.Count()} {names[g.Key]}"));
}
