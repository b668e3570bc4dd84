using System.Diagnostics;
using System.Globalization;

namespace ParNetDetect.Training;

/// <summary>
/// The progress line of one epoch: batches done, running means of the loss parts, images/s, the share of time spent
/// waiting for data, and the ETA. Redrawn in place on a terminal; when output is redirected (logs, CI) only the
/// epoch's line is written every 30 seconds and at its end.
/// </summary>
public sealed class EpochProgress
{
    readonly TextWriter _out;
    readonly bool _interactive;
    readonly string _prefix;
    readonly int _batches;
    readonly Stopwatch _watch = Stopwatch.StartNew();
    long _lastDrawTicks;

    double _box, _obj, _cls;
    int _count;

    public EpochProgress(TextWriter output, bool interactive, int epoch, int epochs, int batches)
    {
        _out = output;
        _interactive = interactive;
        _prefix = $"epoch {epoch + 1}/{epochs}";
        _batches = batches;
    }

    public int Images { get; private set; }
    public double DataWaitSeconds { get; private set; }
    public double Seconds => _watch.Elapsed.TotalSeconds;
    public double Box => _count > 0 ? _box / _count : 0;
    public double Objectness => _count > 0 ? _obj / _count : 0;
    public double Class => _count > 0 ? _cls / _count : 0;
    public double ImagesPerSecond => Seconds > 0 ? Images / Seconds : 0;
    public double DataWaitShare => Seconds > 0 ? DataWaitSeconds / Seconds : 0;

    public void AddDataWait(double seconds) => DataWaitSeconds += seconds;

    public void Add(int batchIndex, int images, float box, float obj, float cls)
    {
        Images += images;
        _box += box; _obj += obj; _cls += cls; _count++;
        // Redraw at most 4 times a second on a terminal (the console is slow next to a fast step); in a log, a line
        // every 30 seconds shows a slow epoch is alive without flooding it.
        long interval = _interactive ? Stopwatch.Frequency / 4 : Stopwatch.Frequency * 30;
        if (_watch.ElapsedTicks - _lastDrawTicks > interval && batchIndex + 1 < _batches)
        {
            _lastDrawTicks = _watch.ElapsedTicks;
            if (_interactive) _out.Write("\r" + Line(batchIndex + 1) + "   ");
            else _out.WriteLine(Line(batchIndex + 1));
        }
    }

    /// <summary>Writes the epoch's final line.</summary>
    public void Finish(int batchesDone)
    {
        _out.Write((_interactive ? "\r" : "") + Line(batchesDone) + "   \n");
        _out.Flush();
    }

    string Line(int done)
    {
        double perBatch = done > 0 ? Seconds / done : 0;
        var eta = TimeSpan.FromSeconds(perBatch * (_batches - done));
        int width = 20, filled = _batches > 0 ? width * done / _batches : width;
        return string.Create(CultureInfo.InvariantCulture,
            $"{_prefix} [{new string('#', filled)}{new string('.', width - filled)}] {done}/{_batches}  " +
            $"box {Box:F4} obj {Objectness:F4} cls {Class:F4}  {ImagesPerSecond:F1} img/s  data {DataWaitShare:P0}  " +
            $"{(done < _batches ? $"ETA {eta:h\\:mm\\:ss}" : $"{TimeSpan.FromSeconds(Seconds):h\\:mm\\:ss}")}");
    }
}
