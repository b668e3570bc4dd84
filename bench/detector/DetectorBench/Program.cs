using System.Diagnostics;
using System.Globalization;
using ParNetDetect.DetectionHead;
using ParNetDetect.Platform;
using ParNetDetect.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

// DetectorBench: numbers for docs/benchmarks.md, one protocol shared with train_step.py (same model, batch, targets).
//   params  [--model M] [--classes 80]                     parameters per part, unfused and fused
//   step    [--model M] [--img 320] [--batch 16] [--steps 10] [--warmup 3] [--classes 80] [--threads 0]
//   latency [--model M] [--img 320] [--runs 20] [--classes 80]   fused, eval, batch 1
//   strip   --in best.ckpt --out models/NAME.ckpt [--note "command"]   inference weights only, float16
var opts = ParseOptions(args.Skip(1));
string model = opts.GetValueOrDefault("model", "parnet-n-yolo");
int classes = int.Parse(opts.GetValueOrDefault("classes", "80"), CultureInfo.InvariantCulture);
TorchRuntime.Initialize(int.Parse(opts.GetValueOrDefault("threads", "0"), CultureInfo.InvariantCulture));
switch (args.FirstOrDefault())
{
    case "params": Params(); break;
    case "step": Step(); break;
    case "latency": Latency(); break;
    case "strip": Strip(); break;
    default: Console.Error.WriteLine("usage: DetectorBench params|step|latency [--model M] ..."); return 2;
}
return 0;

void Params()
{
    using var m = YoloDetector.Create(model, classes);
    long total = m.ParameterCount(), backbone = m.Backbone.parameters().Sum(p => p.numel());
    long head = m.named_parameters().Where(p => p.name.StartsWith("head.")).Sum(p => p.parameter.numel());
    m.eval();
    m.Fuse();
    Console.WriteLine($"{model} ({classes} classes): {total / 1e6:F2}M parameters = backbone {backbone / 1e6:F2}M + neck " +
                      $"{(total - backbone - head) / 1e6:F2}M + head {head / 1e6:F3}M; fused {m.ParameterCount() / 1e6:F2}M");
}

void Step()
{
    int img = Int("img", 320), batch = Int("batch", 16), steps = Int("steps", 10), warmup = Int("warmup", 3);
    manual_seed(0);
    using var m = YoloDetector.Create(model, classes);
    m.train();
    var groups = ParameterGroups.Of(m);
    using var sgd = optim.SGD(
    [
        new SGD.ParamGroup(groups.Decay, 0.01, 0.937, 0, 5e-4, nesterov: true),
        new SGD.ParamGroup(groups.NormWeights, 0.01, 0.937, 0, 0, nesterov: true),
        new SGD.ParamGroup(groups.Biases, 0.01, 0.937, 0, 0, nesterov: true),
    ], 0.01, 0.937, nesterov: true);
    var loss = new YoloLoss(new TargetAssigner(m.Anchors), classes);
    using var images = rand(batch, 3, img, img);
    using var targets = SyntheticTargets(batch, classes);
    // Per phase as well as whole steps, so that a gap to PyTorch can be placed (train_step.py prints the same).
    string[] phases = ["forward", "loss", "backward", "optimizer"];
    var times = phases.Select(_ => new List<double>()).Append(new List<double>()).ToArray();
    for (int s = 0; s < warmup + steps; s++)
    {
        var watch = Stopwatch.StartNew();
        var marks = new double[phases.Length];
        using (NewDisposeScope())
        {
            var levels = m.forward(images);
            marks[0] = watch.Elapsed.TotalSeconds;
            using var l = loss.Compute(levels, targets);
            marks[1] = watch.Elapsed.TotalSeconds;
            l.Total.backward();
            marks[2] = watch.Elapsed.TotalSeconds;
            sgd.step();
            sgd.zero_grad();
            marks[3] = watch.Elapsed.TotalSeconds;
        }
        if (s < warmup) continue;
        for (int k = 0; k < phases.Length; k++) times[k].Add(marks[k] - (k == 0 ? 0 : marks[k - 1]));
        times[^1].Add(watch.Elapsed.TotalSeconds);
    }
    double Median(List<double> t) => t.Order().ElementAt(t.Count / 2);
    var total = times[^1];
    string breakdown = string.Join(", ", phases.Select((name, k) => string.Create(CultureInfo.InvariantCulture, $"{name} {Median(times[k]) * 1000:F0}")));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"step {model} img {img} batch {batch}: median {Median(total) * 1000:F0} ms/step, {batch / Median(total):F1} img/s (min {total.Min() * 1000:F0} ms, {steps} steps; {breakdown} ms)"));
}

void Latency()
{
    int img = Int("img", 320), runs = Int("runs", 20);
    using var m = YoloDetector.Create(model, classes);
    m.eval();
    m.Fuse();
    using var x = rand(1, 3, img, img);
    var times = new List<double>();
    using (no_grad())
        for (int r = 0; r < runs + 3; r++)
        {
            var watch = Stopwatch.StartNew();
            using (NewDisposeScope())
            {
                var p = m.Predict(x);
                Nms.Run(p, DetectOptions.Default);
            }
            if (r >= 3) times.Add(watch.Elapsed.TotalMilliseconds);
        }
    times.Sort();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"latency {model} fused img {img} batch 1 (forward + decode + NMS): median {times[runs / 2]:F1} ms, min {times[0]:F1} ms ({runs} runs)"));
}

// A checkpoint reduced to what predicting needs, weights in float16: the bundled demo model.
void Strip()
{
    string input = opts["in"], output = opts["out"];
    var source = Checkpoint.Load(input);
    using var m = source.BuildDetector(input);
    var notes = new Dictionary<string, string>(source.Info.Notes);
    if (opts.TryGetValue("note", out var note)) notes["made by"] = note;
    var stripped = new Checkpoint(source.Info with { Notes = notes });
    stripped.PutModule(Checkpoint.ModelSection, m, half: true);
    stripped.Save(output);
    Console.WriteLine($"{output}: {new FileInfo(output).Length / 1e6:F1} MB ({source.Info.Model}, {source.Info.ClassNames.Count} classes, {source.Info.ImageSize} px, epoch {source.Info.Epoch})");
}

// The same 4 boxes per image as train_step.py: fixed sizes and positions, classes cycling.
static Tensor SyntheticTargets(int batch, int classes)
{
    float[][] boxes = [[0.3f, 0.3f, 0.2f, 0.25f], [0.7f, 0.6f, 0.4f, 0.3f], [0.5f, 0.5f, 0.05f, 0.08f], [0.2f, 0.8f, 0.6f, 0.35f]];
    var rows = new List<float>();
    for (int b = 0; b < batch; b++)
        for (int k = 0; k < boxes.Length; k++)
            rows.AddRange([b, (b * boxes.Length + k) % classes, .. boxes[k]]);
    return tensor(rows.ToArray(), [batch * boxes.Length, 6]);
}

int Int(string name, int fallback) =>
    opts.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

static Dictionary<string, string> ParseOptions(IEnumerable<string> a)
{
    var list = a.ToList();
    var d = new Dictionary<string, string>();
    for (int i = 0; i + 1 < list.Count; i += 2) d[list[i].TrimStart('-')] = list[i + 1];
    return d;
}
