using OpenCvSharp;

namespace ParNetDetect.Imaging.Video;

/// <summary>
/// Reads a frame source on the caller's thread until it ends, reopening it with exponential backoff whenever it
/// fails: how the service's cameras and `detect predict` on a camera or stream read their frames. A permanent error
/// (a missing or undecodable file) ends the reading at once; <see cref="ReconnectPolicy.MaxAttempts"/> failed
/// attempts in a row give up.
/// </summary>
public sealed class ReconnectingReader(Func<IFrameSource> createSource, ReconnectPolicy policy, Random? random = null)
{
    /// <summary>Raised when a source has opened, before its first frame is read.</summary>
    public event Action<IFrameSource>? Opened;

    /// <summary>Raised when a source failed and is about to be reopened after the attempt's delay.</summary>
    public event Action<ReconnectAttempt>? Reconnecting;

    /// <summary>
    /// Reads each frame into the Mat <paramref name="buffer"/> returns at that moment and hands it to
    /// <paramref name="frameRead"/>, until the source ends, fails for good or <paramref name="ct"/> is cancelled.
    /// </summary>
    public ReadOutcome Run(Func<Mat> buffer, Action<Mat> frameRead, CancellationToken ct)
    {
        var backoff = new Backoff(policy.InitialDelay, policy.MaxDelay, random);
        while (!ct.IsCancellationRequested)
        {
            using var source = createSource();
            try
            {
                source.Open(ct);
                Opened?.Invoke(source);
                for (var frame = buffer(); source.Read(frame, ct); frame = buffer())
                {
                    frameRead(frame);
                    backoff.Reset();
                    if (ct.IsCancellationRequested) return new(ReadEnd.Stopped);
                }
                return new(ct.IsCancellationRequested ? ReadEnd.Stopped : ReadEnd.Ended);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (FrameSourceException e) when (e.Permanent)
            {
                return new(ReadEnd.Failed, e.Message);
            }
            catch (Exception e) when (e is FrameSourceException or OpenCVException or IOException)
            {
                if (policy.MaxAttempts > 0 && backoff.Attempts >= policy.MaxAttempts)
                    return new(ReadEnd.GaveUp, e.Message);
                var delay = backoff.Next();
                Reconnecting?.Invoke(new ReconnectAttempt(e.Message, delay, backoff.Attempts));
                if (ct.WaitHandle.WaitOne(delay)) break;
            }
        }
        return new(ReadEnd.Stopped);
    }
}

/// <summary>
/// How a <see cref="ReconnectingReader"/> retries: delays from <paramref name="InitialDelay"/>, doubling up to
/// <paramref name="MaxDelay"/>; <paramref name="MaxAttempts"/> failed attempts in a row give up (0: never).
/// </summary>
public sealed record ReconnectPolicy(TimeSpan InitialDelay, TimeSpan MaxDelay, int MaxAttempts);

/// <summary>A failed source about to be reopened: why, after how long, and which attempt in a row this is.</summary>
public readonly record struct ReconnectAttempt(string Error, TimeSpan Delay, int Number);

/// <summary>How reading ended; <see cref="Error"/> says why for <see cref="ReadEnd.Failed"/> and
/// <see cref="ReadEnd.GaveUp"/>.</summary>
public readonly record struct ReadOutcome(ReadEnd End, string? Error = null);

public enum ReadEnd
{
    /// <summary>The source reached its end (a file that does not loop).</summary>
    Ended,
    /// <summary>The caller's token was cancelled.</summary>
    Stopped,
    /// <summary>A permanent error: a missing or undecodable file.</summary>
    Failed,
    /// <summary>MaxAttempts failed attempts in a row.</summary>
    GaveUp,
}
