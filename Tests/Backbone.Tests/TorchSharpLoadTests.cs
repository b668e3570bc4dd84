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
    public void OpenMpThreadsWaitPassivelyUnlessTheUserChose()
    {
        TorchRuntime.Initialize();
        // Read the C environment, which libgomp sees, not .NET's snapshot of it.
        string? policy = System.Runtime.InteropServices.Marshal.PtrToStringUTF8(getenv(OpenMpWaitPolicy.Variable));
        Assert.NotNull(policy);
        if (Environment.GetEnvironmentVariable(OpenMpWaitPolicy.Variable) == null) Assert.Equal("PASSIVE", policy);
    }

    [System.Runtime.InteropServices.DllImport("libc")]
    static extern IntPtr getenv(string name);
}
