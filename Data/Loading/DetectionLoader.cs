using System.Collections.Concurrent;
using OpenCvSharp;
using TorchSharp;

namespace ParNetDetect.Data;

/// <summary>
/// Feeds a trainer or an evaluator: persistent worker threads decode and augment whole batches in parallel, at
/// most <see cref="DetectionLoaderOptions.PrefetchBatches"/> batches are built ahead of the consumer, and batches
/// come out in order as tensors (<see cref="DetectionBatch"/>). Workers live as long as the loader and keep their
/// Mats; per-image Mats are disposed; so native memory stays flat from batch to batch and epoch to epoch, as long
/// as the consumer disposes each batch (and the loader when done).
/// Reproducible: the epoch's order depends on (Seed, epoch) and each sample's augmentation on (Seed, epoch,
/// position), never on which worker made it. An image that cannot be decoded is counted in <see cref="Issues"/>
/// and replaced (training) or left grey and flagged (validation); it never ends a run.
/// </summary>
public sealed class DetectionLoader : IDisposable
{
    const int MaxConsecutiveDecodeFailures = 20;
    readonly IDetectionDataset _dataset;
    readonly DetectionLoaderOptions _options;
    readonly BlockingCollection<BatchJob> _jobs = new();
    readonly object _startGate = new();
    readonly TensorPool _imagePool;
    Thread[]? _workers;

    public DetectionLoader(IDetectionDataset dataset, DetectionLoaderOptions options)
    {
        if (dataset.Count == 0) throw new ArgumentException($"{dataset.Source}: the dataset has no images.");
        if (options.ImageSize <= 0 || options.ImageSize % 32 != 0)
            throw new ArgumentException($"image size must be a positive multiple of 32 (got {options.ImageSize}).");
        if (options.BatchSize <= 0 || options.Workers <= 0 || options.PrefetchBatches <= 0)
            throw new ArgumentException("batch size, workers and prefetch must be positive.");
        _dataset = dataset;
        _options = options;
        // Batches in the prefetch window, the one the consumer holds and the one it may not have disposed yet.
        _imagePool = new TensorPool([options.BatchSize, 3, options.ImageSize, options.ImageSize], options.PrefetchBatches + 2);
    }

    public IDetectionDataset Dataset => _dataset;
    public DetectionLoaderOptions Options => _options;
    public bool IsTraining => _options.Augmentation != null;

    public int BatchCount => _options.DropLast && _dataset.Count >= _options.BatchSize
        ? _dataset.Count / _options.BatchSize
        : (_dataset.Count + _options.BatchSize - 1) / _options.BatchSize;

    /// <summary>Images that failed to decode while loading (added to across epochs).</summary>
    public DatasetIssues Issues { get; } = new();

    /// <summary>
    /// The batches of one epoch (0-based). <paramref name="totalEpochs"/> lets mosaic close for the last
    /// <see cref="AugmentationOptions.CloseMosaicEpochs"/> epochs; 0 keeps it on. Work starts when enumeration
    /// starts; batches built ahead of an abandoned enumeration are disposed.
    /// </summary>
    public IEnumerable<DetectionBatch> Epoch(int epoch = 0, int totalEpochs = 0)
    {
        ObjectDisposedException.ThrowIf(_jobs.IsAddingCompleted, this);
        StartWorkers();
        using var run = new EpochRun(this, epoch, totalEpochs);
        for (int b = 0; b < run.BatchCount; b++) yield return run.Take(b);
    }

    /// <summary>Dataset order for an epoch: shuffled by (Seed, epoch) in training mode unless told otherwise.</summary>
    internal int[] EpochOrder(int epoch)
    {
        var order = Enumerable.Range(0, _dataset.Count).ToArray();
        if (_options.Shuffle ?? IsTraining) new Random(Seeds.Mix(_options.Seed, epoch, -1)).Shuffle(order);
        return order;
    }

    /// <summary>Stops the workers (after the batch each may be building).</summary>
    public void Dispose()
    {
        if (_jobs.IsAddingCompleted) return;
        _jobs.CompleteAdding();
        foreach (var t in _workers ?? []) t.Join();
        _jobs.Dispose();
        _imagePool.Dispose();
    }

    void StartWorkers()
    {
        lock (_startGate)
        {
            // Threads are kept for the loader's life: each keeps its buffers and its malloc arena, where new
            // threads every epoch made the process grow by hundreds of MB before it levelled off.
            _workers ??= Enumerable.Range(0, _options.Workers)
                .Select(i => new Thread(Work) { IsBackground = true, Name = $"loader-{i}" })
                .Select(t => { t.Start(); return t; }).ToArray();
        }
    }

    readonly record struct BatchJob(EpochRun Run, int Index);

    void Work()
    {
        using var composer = new SampleComposer(_dataset, _options.ImageSize, _options.Augmentation, Issues);
        using var writer = new ChwTensorWriter();
        using var sample = new Mat();
        var boxes = new List<TargetBox>();
        foreach (var job in _jobs.GetConsumingEnumerable())
        {
            if (job.Run.IsAbandoned) continue;
            try
            {
                job.Run.Complete(job.Index, BuildBatch(job.Run, job.Index, composer, writer, sample, boxes));
            }
            catch (Exception e)
            {
                job.Run.Fail(e);
            }
        }
    }

    unsafe DetectionBatch BuildBatch(EpochRun run, int batchIndex, SampleComposer composer, ChwTensorWriter writer, Mat sample, List<TargetBox> boxes)
    {
        int size = _options.ImageSize;
        int start = batchIndex * _options.BatchSize;
        int count = Math.Min(_options.BatchSize, run.Order.Length - start);
        var items = new BatchItem[count];
        var rows = new List<float>(count * 6 * 8);
        var storage = _imagePool.Rent();
        var images = storage.narrow(0, 0, count);
        try
        {
            for (int i = 0; i < count; i++)
            {
                items[i] = IsTraining
                    ? ComposeTraining(run, start + i, composer, sample, boxes)
                    : ComposeValidation(run.Order[start + i], composer, sample, boxes);
                using (var row = images[i])
                fixed (byte* data = row.bytes)
                    writer.Write(sample, (float*)data);
                foreach (var b in boxes)
                    rows.AddRange([i, b.ClassIndex, (b.X1 + b.X2) / 2 / size, (b.Y1 + b.Y2) / 2 / size, b.Width / size, b.Height / size]);
            }
        }
        catch
        {
            images.Dispose();
            _imagePool.Return(storage);
            throw;
        }
        var targets = rows.Count == 0 ? torch.zeros([0, 6], torch.float32) : torch.tensor(rows.ToArray(), [rows.Count / 6, 6]);
        return new DetectionBatch(images, targets, items, () => _imagePool.Return(storage));
    }

    BatchItem ComposeValidation(int index, SampleComposer composer, Mat sample, List<TargetBox> boxes)
    {
        int size = _options.ImageSize;
        var record = _dataset[index];
        var info = composer.TryCompose(index, sample, boxes);
        if (info == null)
        {
            sample.Create(size, size, MatType.CV_8UC3);
            sample.SetTo(new OpenCvSharp.Scalar(LetterboxTransform.PadValue, LetterboxTransform.PadValue, LetterboxTransform.PadValue));
        }
        return new BatchItem(index, record.Id, record.Width, record.Height,
            info ?? LetterboxInfo.Compute(record.Width, record.Height, size), DecodeFailed: info == null);
    }

    /// <summary>A training sample for epoch position <paramref name="position"/>; an undecodable image is
    /// replaced by a random other one (same seed stream, so still reproducible).</summary>
    BatchItem ComposeTraining(EpochRun run, int position, SampleComposer composer, Mat sample, List<TargetBox> boxes)
    {
        var rng = new Random(Seeds.Mix(_options.Seed, run.Epoch, position));
        int index = run.Order[position];
        for (int attempt = 0; !composer.TryComposeAugmented(index, run.Mosaic, rng, sample, boxes); attempt++)
        {
            if (attempt == MaxConsecutiveDecodeFailures)
                throw new InvalidDataException(
                    $"{MaxConsecutiveDecodeFailures} images in a row could not be decoded; is the image folder right? " + Issues.Summary());
            index = rng.Next(_dataset.Count);
        }
        var record = _dataset[index];
        return new BatchItem(index, record.Id, record.Width, record.Height, default);
    }

    /// <summary>One epoch in flight: which batches are queued, and those built and waiting to be taken in order.</summary>
    sealed class EpochRun : IDisposable
    {
        readonly DetectionLoader _loader;
        readonly Dictionary<int, DetectionBatch> _ready = new();
        readonly object _gate = new();
        Exception? _failure;
        int _queued;

        public EpochRun(DetectionLoader loader, int epoch, int totalEpochs)
        {
            _loader = loader;
            Epoch = epoch;
            Mosaic = loader._options.Augmentation?.MosaicActive(epoch, totalEpochs) ?? false;
            Order = loader.EpochOrder(epoch);
            BatchCount = loader.BatchCount;
            while (_queued < Math.Min(loader._options.PrefetchBatches, BatchCount)) loader._jobs.Add(new BatchJob(this, _queued++));
        }

        public int Epoch { get; }
        public bool Mosaic { get; }
        public int[] Order { get; }
        public int BatchCount { get; }
        public bool IsAbandoned { get; private set; }

        /// <summary>Waits for batch <paramref name="index"/> and queues the next one to keep the window full.</summary>
        public DetectionBatch Take(int index)
        {
            DetectionBatch? batch;
            lock (_gate)
            {
                while (!_ready.Remove(index, out batch))
                {
                    if (_failure != null) throw new InvalidOperationException($"a loader worker failed: {_failure.Message}", _failure);
                    Monitor.Wait(_gate);
                }
            }
            if (_queued < BatchCount) _loader._jobs.Add(new BatchJob(this, _queued++));
            return batch;
        }

        public void Complete(int index, DetectionBatch batch)
        {
            lock (_gate)
            {
                if (IsAbandoned) batch.Dispose();
                else _ready[index] = batch;
                Monitor.PulseAll(_gate);
            }
        }

        public void Fail(Exception e)
        {
            lock (_gate)
            {
                _failure ??= e;
                Monitor.PulseAll(_gate);
            }
        }

        /// <summary>Queued jobs of this run are skipped; batches finished later are disposed on arrival.</summary>
        public void Dispose()
        {
            lock (_gate)
            {
                IsAbandoned = true;
                foreach (var batch in _ready.Values) batch.Dispose();
                _ready.Clear();
            }
        }
    }
}
