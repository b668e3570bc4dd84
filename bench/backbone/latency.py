#!/usr/bin/python3
"""PyTorch side of the backbone benchmark: the same protocol as `backbone-bench latency` (BackboneBench/Program.cs).

    /usr/bin/python3 bench/backbone/latency.py <models,> <sizes,> <layouts: cl,nchw> <iters> <out.json>

BENCH_THREADS threads (default: every core, as the C# runtime uses; Debian's python3-torch would use 1), inference_mode, eval; median and min of `iters` after a warm-up.
"""
import json
import os
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import parnet_reference as ref  # noqa: E402


def time_ms(run, iters):
    """(median, min) of iters runs after a warm-up."""
    run()
    times = []
    for _ in range(iters):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return times[iters // 2], times[0]


def conv_macs(model, size):
    """Conv/linear MACs of the backbone at size x size, from the output shapes seen by forward hooks."""
    total = 0

    def hook(module, _, out):
        nonlocal total
        total += module.weight.numel() * out.shape[2] * out.shape[3]

    handles = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, torch.nn.Conv2d)]
    model.forward_features(torch.zeros(1, 3, size, size))
    for h in handles:
        h.remove()
    return total


def main():
    models, sizes = sys.argv[1].split(","), [int(s) for s in sys.argv[2].split(",")]
    layouts, iters, out = sys.argv[3].split(","), int(sys.argv[4]), sys.argv[5]
    torch.set_num_threads(int(os.environ.get("BENCH_THREADS", os.cpu_count())))
    rows = []
    with torch.inference_mode():
        x = torch.randn(1, 256, 160, 160)
        w = torch.randn(256, 256, 3, 3) * 0.01
        ms, least = time_ms(lambda: F.conv2d(x, w, padding=1), iters)
        rows.append({"model": "conv3x3-256x160x160", "macs": 256 * 256 * 9 * 160 * 160, "ms": ms, "min_ms": least})
        for name in models:
            for layout in layouts:
                model = ref.ParNet(ref.VARIANTS[name], num_classes=0).eval()
                for fused in (False, True):
                    if fused:
                        model.fuse()
                    for size in sizes:
                        x = torch.randn(1, 3, size, size)
                        ms, least = time_ms(lambda: model.forward_features(x, channels_last=layout == "cl"), iters)
                        rows.append({"model": name, "size": size, "fused": fused, "layout": layout, "ms": ms,
                                     "min_ms": least, "macs": conv_macs(model, size)})
    malloc = "MALLOC_MMAP_THRESHOLD_" in os.environ
    with open(out, "w") as f:
        json.dump({"runtime": "pytorch " + torch.__version__, "malloc_tuning": malloc, "threads": torch.get_num_threads(),
                   "rows": rows}, f)


if __name__ == "__main__":
    main()
