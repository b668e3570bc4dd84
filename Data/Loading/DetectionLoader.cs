using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using OpenCvSharp;
using ParNetDetect.Imaging;
using TorchSharp;

namespace ParNetDetect.Data;

/// <summary>
/// Feeds a trainer or an evaluator: worker threads decode and augment whole batches in parallel, at most
/// <see cref="DetectionLoaderOptions.PrefetchBatches"/> batches are built ahead of the consumer, and batches come
/// out in order as tensors (<see cref="DetectionBatch"/>). Within an epoch the workers keep their Mats and the batch
/// image tensors are recycled, so native memory stays flat from batch to batch as long as the consumer disposes
/// each batch; between epochs the loader holds no threads and no tensors, so it needs no disposing itself.
/// Reproducible: the epoch's order depends on (Seed, epoch) and each sample's augmentation on (Seed, epoch,
/// position), never on which worker made it. An image that cannot be decoded is counted in <see cref="Issues"/>
/// and replaced (training) or left grey and flagged (validation); it never ends a run, unless
/// <see cref="DetectionLoaderOptions.Strict"/>, which also refuses a dataset whose reading found problems.
/// </summary>
public sealed class DetectionLoader
{
    const int MaxConsecutiveDecodeFailures = 20;
    readonly IDetectionDataset _dataset;
    readonly DetectionLoaderOptions _options;

    public DetectionLoader(IDetectionDataset dataset, DetectionLoaderOptions options)
    {
        if (dataset.Count == 0) throw new ArgumentException($"{dataset.Source}: the dataset has no images.");
        if (options.ImageSize <= 0 || options.ImageSize % 32 != 0)
            throw new ArgumentException($"image size must be a positive multiple of 32 (got {options.ImageSize}).");
        if (options.BatchSize <= 0 || options.Workers <= 0 || options.PrefetchBatches <= 0)
            throw new ArgumentException("batch size, workers and prefetch must be positive.");
        if (options.Strict) dataset.Issues.ThrowIfAny();
        _dataset = dataset;
        _options = options;
        Issues = new DatasetIssues(options.Strict);
    }

    public IDetectionDataset Dataset => _dataset;
    public DetectionLoaderOptions Options => _options;
    public bool IsTraining => _options.Augmentation != null;

    public int BatchCount => _options.DropLast && _dataset.Count >= _options.BatchSize
        ? _dataset.Count / _options.BatchSize
        : (_dataset.Count + _options.BatchSize - 1) / _options.BatchSize;

    /// <summary>Images that failed to decode while loading (added to across epochs).</summary>
    public DatasetIssues Issues { get; }

    /// <summary>
    /// The batches of one epoch (0-based). <paramref name="totalEpochs"/> lets mosaic close for the last
    /// <see cref="AugmentationOptions.CloseMosaicEpochs"/> epochs; 0 keeps it on. Workers start when enumeration
    /// starts and stop when it ends or is abandoned; batches built ahead of an abandoned enumeration are disposed.
    /// </summary>
    public IEnumerable<DetectionBatch> Epoch(int epoch = 0, int totalEpochs = 0)
    {
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

    unsafe DetectionBatch BuildBatch(EpochRun run, int batchIndex, SampleComposer composer, ChwTensorWriter writer, Mat sample, List<TargetBox> boxes)
    {
        int size = _options.ImageSize;
        int start = batchIndex * _options.BatchSize;
        int count = Math.Min(_options.BatchSize, run.Order.Length - start);
        var items = new BatchItem[count];
        var rows = new List<float>(count * 6 * 8);
        var storage = run.ImagePool.Rent();
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
            run.ImagePool.Return(storage);
            throw;
        }
        var targets = rows.Count == 0 ? torch.zeros([0, 6], torch.float32) : torch.tensor(rows.ToArray(), [rows.Count / 6, 6]);
        var pool = run.ImagePool;
        return new DetectionBatch(images, targets, items, () => pool.Return(storage));
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

    /// <summary>
    /// One epoch in flight: its worker threads, the queue of batch indices they take from (kept
    /// PrefetchBatches ahead of the consumer), the batch image tensors they recycle, and the finished batches
    /// waiting to be taken in order.
    /// </summary>
    sealed class EpochRun : IDisposable
    {
        readonly DetectionLoader _loader;
        readonly BlockingCollection<int> _jobs = new();
        readonly Dictionary<int, DetectionBatch> _ready = new();
        readonly Thread[] _workers;
        readonly object _gate = new();
        Exception? _failure;
        int _queued;
        volatile bool _abandoned;

        public EpochRun(DetectionLoader loader, int epoch, int totalEpochs)
        {
            var options = loader._options;
            _loader = loader;
            Epoch = epoch;
            Mosaic = options.Augmentation?.MosaicActive(epoch, totalEpochs) ?? false;
            Order = loader.EpochOrder(epoch);
            BatchCount = loader.BatchCount;
            // Room for the prefetch window, the batch the consumer holds and the one it may not have disposed yet.
            ImagePool = new TensorPool([options.BatchSize, 3, options.ImageSize, options.ImageSize],
                Math.Min(options.PrefetchBatches + 2, BatchCount));
            while (_queued < Math.Min(options.PrefetchBatches, BatchCount)) _jobs.Add(_queued++);
            _workers = Enumerable.Range(0, Math.Min(options.Workers, BatchCount))
                .Select(i => new Thread(Work) { IsBackground = true, Name = $"loader-{i}" }).ToArray();
            foreach (var t in _workers) t.Start();
        }

        public int Epoch { get; }
        public bool Mosaic { get; }
        public int[] Order { get; }
        public int BatchCount { get; }
        public TensorPool ImagePool { get; }

        /// <summary>Waits for batch <paramref name="index"/> and queues the next one to keep the window full.</summary>
        public DetectionBatch Take(int index)
        {
            DetectionBatch? batch;
            lock (_gate)
            {
                while (!_ready.Remove(index, out batch))
                {
                    // As the worker threw it: bad data stays an InvalidDataException naming the file.
                    if (_failure != null) ExceptionDispatchInfo.Throw(_failure);
                    Monitor.Wait(_gate);
                }
            }
            if (_queued < BatchCount) _jobs.Add(_queued++);
            return batch;
        }

        void Work()
        {
            var options = _loader._options;
            try
            {
                using var composer = new SampleComposer(_loader._dataset, options.ImageSize, options.Augmentation, _loader.Issues);
                using var writer = new ChwTensorWriter();
                using var sample = new Mat();
                var boxes = new List<TargetBox>();
                foreach (int index in _jobs.GetConsumingEnumerable())
                {
                    if (_abandoned) continue;
                    var batch = _loader.BuildBatch(this, index, composer, writer, sample, boxes);
                    lock (_gate)
                    {
                        if (_abandoned) batch.Dispose();
                        else _ready[index] = batch;
                        Monitor.PulseAll(_gate);
                    }
                }
            }
            catch (Exception e)
            {
                // The consumer rethrows it from Take; the other workers stop with the epoch.
                lock (_gate)
                {
                    _failure ??= e;
                    Monitor.PulseAll(_gate);
                }
            }
        }

        /// <summary>Stops the workers (after the batch each may be building) and frees what was not taken.</summary>
        public void Dispose()
        {
            _abandoned = true;
            _jobs.CompleteAdding();
            foreach (var t in _workers) t.Join();
            foreach (var batch in _ready.Values) batch.Dispose();
            _ready.Clear();
            _jobs.Dispose();
            ImagePool.Dispose(); // batches still held by the consumer free their tensor when disposed
        }
    }
}
