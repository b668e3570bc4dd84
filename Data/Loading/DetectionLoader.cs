using OpenCvSharp;
using TorchSharp;

namespace ParNetDetect.Data;

/// <summary>
/// Feeds a trainer or an evaluator: worker threads decode and augment whole batches in parallel, a bounded
/// prefetch window keeps at most <see cref="DetectionLoaderOptions.PrefetchBatches"/> batches built ahead, and
/// batches come out in order as tensors (<see cref="DetectionBatch"/>). Per-worker Mats are reused and per-image
/// Mats disposed, so native memory stays flat from batch to batch as long as the consumer disposes each batch.
/// Reproducible: the epoch's order depends on (Seed, epoch) and each sample's augmentation on (Seed, epoch,
/// position), never on which worker made it. An image that cannot be decoded is counted in <see cref="Issues"/>
/// and replaced (training) or left grey and flagged (validation); it never ends a run.
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
        _dataset = dataset;
        _options = options;
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
    /// <see cref="AugmentationOptions.CloseMosaicEpochs"/> epochs; 0 keeps it on. Workers start when enumeration
    /// starts and stop when it ends or is abandoned.
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

    /// <summary>One epoch in flight: the worker threads, the prefetch window and the batches waiting in order.</summary>
    sealed class EpochRun : IDisposable
    {
        readonly DetectionLoader _loader;
        readonly int _epoch;
        readonly bool _mosaic;
        readonly int[] _order;
        readonly SemaphoreSlim _slots;
        readonly CancellationTokenSource _stop = new();
        readonly Dictionary<int, DetectionBatch> _ready = new();
        readonly Thread[] _threads;
        readonly object _gate = new();
        Exception? _failure;
        int _next = -1;

        public EpochRun(DetectionLoader loader, int epoch, int totalEpochs)
        {
            _loader = loader;
            _epoch = epoch;
            _mosaic = loader._options.Augmentation?.MosaicActive(epoch, totalEpochs) ?? false;
            _order = loader.EpochOrder(epoch);
            BatchCount = loader.BatchCount;
            _slots = new SemaphoreSlim(loader._options.PrefetchBatches);
            _threads = Enumerable.Range(0, Math.Min(loader._options.Workers, BatchCount))
                .Select(i => new Thread(Work) { IsBackground = true, Name = $"loader-{i}" }).ToArray();
            foreach (var t in _threads) t.Start();
        }

        public int BatchCount { get; }

        /// <summary>Waits for batch <paramref name="index"/>; its prefetch slot goes back to the workers.</summary>
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
            _slots.Release();
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
                while (true)
                {
                    // A slot before an index: the batches being built are always the next ones the consumer needs.
                    _slots.Wait(_stop.Token);
                    int index = Interlocked.Increment(ref _next);
                    if (index >= BatchCount) return;
                    var batch = Build(index, composer, writer, sample, boxes);
                    lock (_gate)
                    {
                        if (_stop.IsCancellationRequested) batch.Dispose();
                        else _ready[index] = batch;
                        Monitor.PulseAll(_gate);
                    }
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
            }
            catch (Exception e)
            {
                lock (_gate)
                {
                    _failure ??= e;
                    Monitor.PulseAll(_gate);
                }
            }
        }

        unsafe DetectionBatch Build(int batchIndex, SampleComposer composer, ChwTensorWriter writer, Mat sample, List<TargetBox> boxes)
        {
            var options = _loader._options;
            var dataset = _loader._dataset;
            int size = options.ImageSize;
            int start = batchIndex * options.BatchSize;
            int count = Math.Min(options.BatchSize, _order.Length - start);
            var items = new BatchItem[count];
            var rows = new List<float>(count * 6 * 8);
            var images = torch.empty([count, 3, size, size], torch.float32);
            try
            {
                for (int i = 0; i < count; i++)
                {
                    items[i] = IsTraining
                        ? ComposeTraining(start + i, composer, sample, boxes)
                        : ComposeValidation(_order[start + i], composer, sample, boxes);
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
                throw;
            }
            var targets = rows.Count == 0 ? torch.zeros([0, 6], torch.float32) : torch.tensor(rows.ToArray(), [rows.Count / 6, 6]);
            return new DetectionBatch(images, targets, items);

            BatchItem ComposeValidation(int index, SampleComposer c, Mat s, List<TargetBox> b)
            {
                var record = dataset[index];
                var info = c.TryCompose(index, s, b);
                if (info == null)
                {
                    s.Create(size, size, MatType.CV_8UC3);
                    s.SetTo(new OpenCvSharp.Scalar(LetterboxTransform.PadValue, LetterboxTransform.PadValue, LetterboxTransform.PadValue));
                }
                return new BatchItem(index, record.Id, record.Width, record.Height,
                    info ?? LetterboxInfo.Compute(record.Width, record.Height, size), DecodeFailed: info == null);
            }
        }

        bool IsTraining => _loader.IsTraining;

        /// <summary>A training sample for epoch position <paramref name="position"/>; an undecodable image is
        /// replaced by a random other one (same seed stream, so still reproducible).</summary>
        BatchItem ComposeTraining(int position, SampleComposer composer, Mat sample, List<TargetBox> boxes)
        {
            var rng = new Random(Seeds.Mix(_loader._options.Seed, _epoch, position));
            int index = _order[position];
            for (int attempt = 0; !composer.TryComposeAugmented(index, _mosaic, rng, sample, boxes); attempt++)
            {
                if (attempt == MaxConsecutiveDecodeFailures)
                    throw new InvalidDataException(
                        $"{MaxConsecutiveDecodeFailures} images in a row could not be decoded; is the image folder right? " +
                        _loader.Issues.Summary());
                index = rng.Next(_loader._dataset.Count);
            }
            var record = _loader._dataset[index];
            return new BatchItem(index, record.Id, record.Width, record.Height, default);
        }

        public void Dispose()
        {
            _stop.Cancel();
            foreach (var t in _threads) t.Join();
            foreach (var batch in _ready.Values) batch.Dispose();
            _ready.Clear();
            _slots.Dispose();
            _stop.Dispose();
        }
    }
}
