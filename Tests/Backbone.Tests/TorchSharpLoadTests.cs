using ParNetDetect.Platform;
using TorchSharp;

namespace ParNetDetect.Backbone.Tests;

public class TorchSharpLoadTests
{
    [Fact]
    public void LibtorchLoadsAndComputes()
    {
        TorchRuntime.Initialize();
        using var a = torch.arange(6, dtype: torch.float32).reshape(2, 3);
        using var b = torch.ones(3, 2);
        using var c = a.matmul(b);
        Assert.Equal(new float[] { 3, 3, 12, 12 }, c.data<float>().ToArray());
    }

    [Fact]
    public void MallocTuningIsAppliedByTheRuntime()
    {
        TorchRuntime.Initialize();
        Assert.Equal(Environment.GetEnvironmentVariable(MallocTuning.EnvironmentSwitch) != "0", MallocTuning.IsApplied);
    }

    [Fact]
    public void OpenMpWaitIsTheWorkloadsChoiceUnlessTheUserChose()
    {
        // Read the C environment, which libgomp sees, not .NET's snapshot of it.
        string? Policy() => System.Runtime.InteropServices.Marshal.PtrToStringUTF8(getenv(OpenMpWaitPolicy.Variable));
        string? user = Environment.GetEnvironmentVariable(OpenMpWaitPolicy.Variable);
        TorchRuntime.Initialize(); // Spin, libgomp's default: nothing is set
        Assert.Equal(user, Policy());
        OpenMpWaitPolicy.Apply(OpenMpWait.Passive); // what the service asks for (after the load here: harmless)
        Assert.Equal(user ?? "PASSIVE", Policy());
    }

    [System.Runtime.InteropServices.DllImport("libc")]
    static extern IntPtr getenv(string name);
}
