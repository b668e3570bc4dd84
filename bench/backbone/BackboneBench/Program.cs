using System.Diagnostics;
using System.Text.Json;
using ParNetDetect.Backbone;
using ParNetDetect.Backbone.Weights;
using ParNetDetect.Platform;
using static TorchSharp.torch;

// backbone-bench latency <models,> <sizes,> <layouts: cl,nchw> <iters> <out.json>
//   For each model, layout, fused/unfused and size: batch-1 ForwardFeatures latency (median and min of iters after
//   a warm-up), plus a large 3x3 conv as the GFLOP/s yardstick. Same protocol as bench/backbone/latency.py.
// backbone-bench numerics <model> <size> <dir>
//   Random weights (BN statistics too), official key names, saved as a PyTorch .pt with the input and this
//   model's outputs (unfused and fused) for bench/backbone/numerics.py to check in PyTorch.
// BENCH_THREADS (default: every core) as in latency.py; 1 gives steadier A/B numbers on a busy machine.
TorchRuntime.Initialize(int.TryParse(Environment.GetEnvironmentVariable("BENCH_THREADS"), out int threads) ? threads : 0);
return args.FirstOrDefault() switch
{
    "latency" => Latency(args[1].Split(','), args[2].Split(',').Select(int.Parse).ToArray(), args[3].Split(','),
    int.Parse(args[4]), args[5]),
    "numerics" => Numerics(args[1], int.Parse(args[2]), args[3]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: backbone-bench latency <models,> <sizes,> <cl,nchw> <iters> <out.json> | numerics <model> <size> <dir>");
    return 2;
}

// (median, min) of iters runs after a warm-up (allocator, oneDNN primitive caches).
static (double Median, double Min) TimeMs(Action run, int iters)
{
    run();
    var times = new double[iters];
    for (int i = 0; i < iters; i++)
    {
        var sw = Stopwatch.StartNew();
        run();
        times[i] = sw.Elapsed.TotalMilliseconds;
    }
    Array.Sort(times);
    return (times[iters / 2], times[0]);
}

static int Latency(string[] models, int[] sizes, string[] layouts, int iters, string outPath)
{
    var rows = new List<Dictionary<string, object>>();
    using var inference = inference_mode();
    {
        using var x = randn(1, 256, 160, 160);
        using var w = randn(256, 256, 3, 3) * 0.01;
        var (ms, min) = TimeMs(() => { using var y = nn.functional.conv2d(x, w, padding: [1, 1]); }, iters);
        rows.Add(new() { ["model"] = "conv3x3-256x160x160", ["macs"] = 256L * 256 * 9 * 160 * 160, ["ms"] = ms, ["min_ms"] = min });
    }
    foreach (var name in models)
        foreach (var layout in layouts)
        {
            using var model = ParNet.Create(name, new ParNetOptions { ChannelsLast = layout == "cl" });
            model.eval();
            foreach (bool fused in new[] { false, true })
            {
                if (fused) model.Fuse();
                foreach (int size in sizes)
                {
                    using var x = randn(1, 3, size, size);
                    var (ms, min) = TimeMs(() =>
                    {
                        using var scope = NewDisposeScope();
                        model.ForwardFeatures(x);
                    }, iters);
                    rows.Add(new()
                    {
                        ["model"] = name, ["size"] = size, ["fused"] = fused, ["layout"] = layout, ["ms"] = ms, ["min_ms"] = min,
                        ["macs"] = model.Macs(size, size, includeClassifier: false),
                    });
                }
            }
        }
    File.WriteAllText(outPath, JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["runtime"] = "torchsharp", ["malloc_tuning"] = MallocTuning.IsApplied, ["threads"] = get_num_threads(), ["rows"] = rows,
    }));
    return 0;
}

static int Numerics(string name, int size, string dir)
{
    Directory.CreateDirectory(dir);
    manual_seed(0);
    using var model = ParNet.Create(name, ParNetOptions.ImageNet);
    using (no_grad())
        foreach (var (_, module) in model.named_modules())
            if (module is TorchSharp.Modules.BatchNorm2d bn)
            {
                long c = bn.num_features;
                bn.running_mean!.copy_(randn(c) * 0.2);
                bn.running_var!.copy_(rand(c) + 0.5);
                bn.weight.copy_(rand(c) + 0.5);
                bn.bias!.copy_(randn(c) * 0.2);
            }
    model.eval();
    ParNetWeights.Save(model, Path.Combine(dir, "weights.pt"), ParNetKeyNaming.Official, overwrite: true);
    using var inference = inference_mode();
    var x = randn(1, 3, size, size);
    var outputs = new Dictionary<string, Tensor> { ["input"] = x };
    foreach (bool fused in new[] { false, true })
    {
        if (fused) model.Fuse();
        var f = model.ForwardFeatures(x);
        string tag = fused ? "fused" : "unfused";
        outputs[$"p3_{tag}"] = f.P3;
        outputs[$"p4_{tag}"] = f.P4;
        outputs[$"p5_{tag}"] = f.P5;
        outputs[$"logits_{tag}"] = model.forward(x);
    }
    StateDictFile.Write(Path.Combine(dir, "outputs.pt"), outputs, overwrite: true);
    Console.WriteLine($"wrote {dir}/weights.pt and {dir}/outputs.pt ({name}, {size}x{size})");
    return 0;
}
