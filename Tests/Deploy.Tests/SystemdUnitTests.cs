namespace ParNetDetect.Deploy.Tests;

/// <summary>The systemd units: how the service is stopped.</summary>
public sealed class SystemdUnitTests
{
    [Theory]
    [InlineData("deploy/parnet-detect.service")]
    [InlineData("deploy/parnet-detect@.service")]
    public void StoppingSignalsTheServiceAloneSoItsClipEncodersFinish(string unit)
    {
        // With systemd's default KillMode (control-group), ffmpeg would get SIGTERM with the service and the clip being
        // written would be lost; the service ends the encoders itself within TimeoutStopSec.
        var lines = File.ReadAllLines(Repository.File(unit)).Select(l => l.Trim()).ToList();
        Assert.Contains("KillMode=mixed", lines);
        Assert.Contains(lines, l => l.StartsWith("TimeoutStopSec=", StringComparison.Ordinal));
    }
}
