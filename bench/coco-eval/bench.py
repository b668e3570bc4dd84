#!/usr/bin/env python3
"""coco-eval against pycocotools on seeded cases of growing size, side by side in one run.

usage: bench.py [--sizes 500,5000,20000] [--pycocotools-sizes 500,5000] [--work /tmp/coco-eval-bench]
                [--pycocotools PYTHONAPI_DIR | --cocoapi-src COCOAPI_CHECKOUT] [--python /usr/bin/python3]

For each size: generate.py makes the case (5,000 images = 500k detections), our CLI (Release build) and, where
asked, pycocotools evaluate it under /usr/bin/time -v; the table gives wall time, CPU time and peak RSS of each whole
process, the time ratio, and whether the 12 stats are bit-identical and the summaries equal.

pycocotools is not packaged in Debian 12: pass a built cocoapi/PythonAPI directory, or a cocoapi checkout with
--cocoapi-src to build one under the work folder (needs Debian's cython3, python3-numpy, python3-dev).
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))


def timed(cmd, stdout_path, env=None):
    """Runs cmd under /usr/bin/time -v; returns (wall s, cpu s, peak RSS MB)."""
    with open(stdout_path, "w") as out:
        proc = subprocess.run(["/usr/bin/time", "-v"] + cmd, stdout=out, stderr=subprocess.PIPE, text=True, env=env)
    if proc.returncode != 0:
        sys.exit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr[-3000:]}")
    text = proc.stderr

    def field(name):
        return re.search(re.escape(name) + r": (.+)", text).group(1).strip()

    parts = [float(p) for p in field("Elapsed (wall clock) time (h:mm:ss or m:ss)").split(":")]
    wall = sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
    cpu = float(field("User time (seconds)")) + float(field("System time (seconds)"))
    return wall, cpu, int(field("Maximum resident set size (kbytes)")) / 1024


def build_cli(build_root):
    env = dict(os.environ, PARNET_BUILD_ROOT=build_root)
    subprocess.run(["dotnet", "build", "-c", "Release", "-v", "q", "-nologo", os.path.join(REPO, "coco-eval", "Cli")],
                   check=True, env=env, stdout=subprocess.DEVNULL)
    return os.path.join(build_root, "bin", "CocoEval.Cli", "Release", "net10.0", "coco-eval.dll")


def build_pycocotools(src, work, python):
    target = os.path.join(work, "cocoapi")
    if not os.path.exists(os.path.join(target, "PythonAPI", "pycocotools", "cocoeval.py")):
        shutil.rmtree(target, ignore_errors=True)
        for part in ("PythonAPI", "common"):
            shutil.copytree(os.path.join(src, part), os.path.join(target, part))
    api = os.path.join(target, "PythonAPI")
    subprocess.run([python, "setup.py", "build_ext", "--inplace"], cwd=api, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return api


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="500,5000,20000")
    parser.add_argument("--pycocotools-sizes", default="500,5000")
    parser.add_argument("--work", default="/tmp/coco-eval-bench")
    parser.add_argument("--pycocotools", help="built cocoapi/PythonAPI directory")
    parser.add_argument("--cocoapi-src", help="cocoapi checkout to build PythonAPI from")
    parser.add_argument("--python", default="/usr/bin/python3", help="python with numpy for pycocotools")
    args = parser.parse_args()
    os.makedirs(args.work, exist_ok=True)

    cli = build_cli(os.environ.get("PARNET_BUILD_ROOT", os.path.join(args.work, "build")))
    api = args.pycocotools or (build_pycocotools(args.cocoapi_src, args.work, args.python) if args.cocoapi_src else None)
    reference_sizes = {int(s) for s in args.pycocotools_sizes.split(",")} if api else set()

    rows = []
    for size in [int(s) for s in args.sizes.split(",")]:
        case = os.path.join(args.work, f"images{size}")
        gt, dets = os.path.join(case, "gt.json"), os.path.join(case, "dets.json")
        if not os.path.exists(dets):
            subprocess.run([args.python, os.path.join(HERE, "generate.py"), case, "--images", str(size)], check=True)
        ours_json = os.path.join(case, "ours.json")
        ours = timed(["dotnet", cli, gt, dets, "--json", ours_json, "--force"], os.path.join(case, "ours.txt"))
        row = {"images": size, "detections": size * 100, "ours": ours}
        if size in reference_sizes:
            ref_json = os.path.join(case, "pycocotools.json")
            row["pycocotools"] = timed([args.python, os.path.join(HERE, "pycocotools_eval.py"), api, gt, dets, ref_json],
                                       os.path.join(case, "pycocotools.txt"))
            a = json.load(open(ours_json))["stats"]
            b = json.load(open(ref_json))["stats"]
            row["identical"] = a == b
            row["max_abs_diff"] = max(abs(x - y) for x, y in zip(a, b))
            summary = [l for l in open(os.path.join(case, "pycocotools.txt")) if l.startswith(" Average")]
            row["same_summary"] = summary == open(os.path.join(case, "ours.txt")).readlines()
        rows.append(row)
        print(json.dumps(row), flush=True)

    print("\n| images | detections | coco-eval wall / CPU / peak RSS | pycocotools wall / CPU / peak RSS | time ratio | "
          "stats bit-identical | summary identical |")
    print("|---:|---:|---|---|---:|---|---|")
    for r in rows:
        o = r["ours"]
        ours = f"{o[0]:.2f} s / {o[1]:.2f} s / {o[2]:.0f} MB"
        if "pycocotools" in r:
            p = r["pycocotools"]
            ref = f"{p[0]:.1f} s / {p[1]:.1f} s / {p[2]:.0f} MB"
            print(f"| {r['images']:,} | {r['detections']:,} | {ours} | {ref} | {p[0] / o[0]:.1f}x | "
                  f"{'yes' if r['identical'] else 'NO (max diff %g)' % r['max_abs_diff']} | "
                  f"{'yes' if r['same_summary'] else 'NO'} |")
        else:
            print(f"| {r['images']:,} | {r['detections']:,} | {ours} | not run | | | |")


if __name__ == "__main__":
    main()
