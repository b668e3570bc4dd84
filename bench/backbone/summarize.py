#!/usr/bin/python3
"""Markdown tables from bench/backbone/run.sh's JSON files: per cell the fastest single forward over all rounds
(`min_ms`; on a shared machine interference only ever adds time), ratios C#/PyTorch, fused speedups, GFLOP/s against
the 3x3-conv yardstick timed in the same process; then the paired view: per round each runtime's fastest forward (its
better layout), the ratio of the two processes that ran next to each other, and the median of those ratios over the
rounds, which a slow minute on a shared VM moves less than the minima do."""
import glob
import json
import os
import statistics
import sys


def load(folder):
    best, conv = {}, {}
    for path in sorted(glob.glob(os.path.join(folder, "*-*-*.json"))):
        runtime, malloc, _ = os.path.basename(path)[:-5].split("-")
        data = json.load(open(path))
        for row in data["rows"]:
            row["ms"] = row["min_ms"]
            if row["model"].startswith("conv3x3"):
                key = (runtime, malloc)
                conv[key] = min(conv.get(key, 1e18), row["ms"])
                conv[key, "macs"] = row["macs"]
                continue
            key = (runtime, malloc, row["model"], row["size"], row["fused"], row["layout"])
            if key not in best or row["ms"] < best[key]["ms"]:
                best[key] = row
    return best, conv


def pick(best, runtime, malloc, model, size, fused):
    """Fastest layout measured for this cell, and its name."""
    rows = [r for k, r in best.items() if k[:5] == (runtime, malloc, model, size, fused)]
    return min(rows, key=lambda r: r["ms"]) if rows else None


def gflops(row):
    return 2 * row["macs"] / row["ms"] / 1e6


def main():
    folder = sys.argv[1]
    best, conv = load(folder)
    cells = sorted({k[2:4] for k in best}, key=lambda c: (c[0], c[1]))
    print("All times: ms, batch 1, fastest forward of all rounds; ratio = C# / PyTorch (<= 1: C# as fast or faster).\n")
    for malloc in ("on", "off"):
        print(f"### malloc tuning {malloc}\n")
        print("| model | size | C# unfused | C# fused | PyTorch unfused | PyTorch fused | ratio unfused | ratio fused "
              "| fused speedup C# | fused speedup PyTorch | C# fused GFLOP/s (% of conv) | PyTorch fused GFLOP/s (% of conv) |")
        print("|---|---|---|---|---|---|---|---|---|---|---|---|")
        cs_conv, py_conv = conv.get(("cs", malloc)), conv.get(("py", malloc))
        for model, size in cells:
            r = {(rt, f): pick(best, rt, malloc, model, size, f) for rt in ("cs", "py") for f in (False, True)}
            if any(v is None for v in r.values()):
                continue
            macs = conv[("cs", malloc), "macs"]
            cs_pct = gflops(r["cs", True]) / (2 * macs / cs_conv / 1e6) * 100
            py_pct = gflops(r["py", True]) / (2 * macs / py_conv / 1e6) * 100
            lay = lambda row: f" ({row['layout']})"
            print(f"| {model} | {size} | {r['cs', False]['ms']:.1f}{lay(r['cs', False])} | {r['cs', True]['ms']:.1f}{lay(r['cs', True])} "
                  f"| {r['py', False]['ms']:.1f}{lay(r['py', False])} | {r['py', True]['ms']:.1f}{lay(r['py', True])} "
                  f"| {r['cs', False]['ms'] / r['py', False]['ms']:.2f} | {r['cs', True]['ms'] / r['py', True]['ms']:.2f} "
                  f"| {r['cs', False]['ms'] / r['cs', True]['ms']:.2f} | {r['py', False]['ms'] / r['py', True]['ms']:.2f} "
                  f"| {gflops(r['cs', True]):.0f} ({cs_pct:.0f}%) | {gflops(r['py', True]):.0f} ({py_pct:.0f}%) |")
        if cs_conv and py_conv:
            print(f"\n3x3 conv yardstick (256->256, 160x160): C# {2 * macs / cs_conv / 1e6:.0f} GFLOP/s, "
                  f"PyTorch {2 * macs / py_conv / 1e6:.0f} GFLOP/s.\n")
    print("### malloc tuning effect (on / off time; < 1: tuning helps)\n")
    print("| model | size | fused | C# | PyTorch |")
    print("|---|---|---|---|---|")
    for model, size in cells:
        for fused in (False, True):
            vals = []
            for rt in ("cs", "py"):
                on, off = pick(best, rt, "on", model, size, fused), pick(best, rt, "off", model, size, fused)
                vals.append(f"{on['ms'] / off['ms']:.2f}" if on and off else "-")
            print(f"| {model} | {size} | {'yes' if fused else 'no'} | {vals[0]} | {vals[1]} |")
    paired(folder)
    layouts = sorted({k[5] for k in best})
    if len(layouts) > 1:
        print("\n### layouts (malloc tuning on): ms\n")
        print("| runtime | model | size | fused | " + " | ".join(layouts) + " |")
        print("|---|---|---|---|" + "---|" * len(layouts))
        for rt in ("cs", "py"):
            for model, size in cells:
                for fused in (False, True):
                    ms = [best.get((rt, "on", model, size, fused, l)) for l in layouts]
                    if all(m is None for m in ms):
                        continue
                    print(f"| {rt} | {model} | {size} | {'yes' if fused else 'no'} | "
                          + " | ".join(f"{m['ms']:.1f}" if m else "-" for m in ms) + " |")


def paired(folder):
    """Per round and cell, C#'s and PyTorch's fastest forward (better layout); the median of the per-round ratios."""
    rounds = {}
    for path in sorted(glob.glob(os.path.join(folder, "*-*-*.json"))):
        runtime, malloc, round_ = os.path.basename(path)[:-5].split("-")
        for row in json.load(open(path))["rows"]:
            if row["model"].startswith("conv3x3"):
                continue
            key = (malloc, row["model"], row["size"], row["fused"], round_, runtime)
            rounds[key] = min(rounds.get(key, 1e18), row["min_ms"])
    cells = sorted({k[:4] for k in rounds})
    print("### paired rounds: median over rounds of (C# / PyTorch), each the fastest forward of its process\n")
    print("| malloc tuning | model | size | fused | rounds | C# median ms | PyTorch median ms | median ratio | rounds C# <= PyTorch |")
    print("|---|---|---|---|---|---|---|---|---|")
    for malloc, model, size, fused in cells:
        pairs = [(rounds[(malloc, model, size, fused, r, "cs")], rounds[(malloc, model, size, fused, r, "py")])
                 for r in sorted({k[4] for k in rounds if k[:4] == (malloc, model, size, fused)})
                 if (malloc, model, size, fused, r, "cs") in rounds and (malloc, model, size, fused, r, "py") in rounds]
        if not pairs:
            continue
        ratios = [c / p for c, p in pairs]
        print(f"| {malloc} | {model} | {size} | {'yes' if fused else 'no'} | {len(pairs)} "
              f"| {statistics.median(c for c, _ in pairs):.1f} | {statistics.median(p for _, p in pairs):.1f} "
              f"| {statistics.median(ratios):.2f} | {sum(r <= 1 for r in ratios)} / {len(ratios)} |")
    print()


if __name__ == "__main__":
    main()
