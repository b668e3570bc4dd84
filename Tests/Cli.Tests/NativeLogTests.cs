using System.Diagnostics;

namespace ParNetDetect.Cli.Tests;

/// <summary>What libtorch prints on its own must not reach users' terminals and journals.</summary>
public sealed class NativeLogTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("parnet-cli-native-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [SkippableFact]
    public void NoNnpackWarningsWhereNnpackCannotStart()
    {
        // NNPACK fails to start on CPUs its cpuinfo rejects (some AVX-512 EPYCs); a preloaded nnp_initialize that
        // reports "unsupported hardware" makes any machine one of them. libtorch then warned once per small conv.
        string? cc = new[] { "/usr/bin/cc", "/usr/bin/gcc" }.FirstOrDefault(File.Exists);
        Skip.If(cc is null, "no C compiler to build the NNPACK stand-in (apt-get install gcc)");
        string source = Path.Combine(dir, "nnpack.c"), library = Path.Combine(dir, "libnnpack-unsupported.so");
        File.WriteAllText(source, "int nnp_initialize(void) { return 51; /* nnp_status_unsupported_hardware */ }\n");
        using (var compile = Process.Start(cc!, ["-shared", "-fPIC", "-o", library, source]))
        {
            compile.WaitForExit();
            Assert.Equal(0, compile.ExitCode);
        }

        var result = DetectProcess.Run(new Dictionary<string, string> { ["LD_PRELOAD"] = library },
            "predict", "--weights", "demo", "--source", DetectProcess.TestData("street.jpg"), "--no-save");

        Assert.True(result.Code == 0, result.ToString());
        Assert.DoesNotContain("NNPACK", result.Out + result.Err);
    }
}
