namespace ParNetDetect.Service.Tests.Support;

/// <summary>A clock that stands still until the test moves it.</summary>
public sealed class ManualClock : TimeProvider
{
    public DateTimeOffset Now { get; set; } = DateTimeOffset.UnixEpoch;

    public override DateTimeOffset GetUtcNow() => Now;
}
