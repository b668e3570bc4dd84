#!/usr/bin/env python3
"""Random cases, coco-eval against real pycocotools: any difference in the 12 stats or the summary text fails.

usage: fuzz_against_pycocotools.py PYTHONAPI_DIR COCO_EVAL_DLL [--cases 8] [--images 150] [--work DIR]

Each case starts from generate.py's data and stresses one more thing per seed: many crowd regions, a GT with id 0,
coarse scores (ties everywhere), more than 100 detections per image and category (the maxDets cut), tiny boxes at the
area-range borders.
"""
import argparse
import json
import os
import random
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from generate import generate  # noqa: E402


def mutate(gt, dets, seed):
    rng = random.Random(seed)
    anns = gt["annotations"]
    for a in anns:
        if rng.random() < 0.1:
            a["iscrowd"] = 1
        if rng.random() < 0.05:
            a["area"] = rng.choice([0, 1024, 9216, 1024.0000001, 9215.9999999])
    anns[0]["id"] = 0
    for d in dets:
        d["score"] = round(d["score"], rng.choice([1, 2]))
    first = dets[0]["image_id"]
    box = [10, 10, 32, 32]
    for i in range(130):  # one image and category beyond maxDets=100, with ties at the cut
        dets.append({"image_id": first, "category_id": 1, "bbox": [box[0] + i % 7, box[1] + i % 5, 32, 32],
                     "score": 0.5 if i % 3 else 0.75})
    anns.append({"id": 10 ** 9, "image_id": first, "category_id": 1, "bbox": box, "area": 1024, "iscrowd": 0})


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pythonapi")
    parser.add_argument("dll")
    parser.add_argument("--cases", type=int, default=8)
    parser.add_argument("--images", type=int, default=150)
    parser.add_argument("--work", default="/tmp/coco-eval-fuzz")
    args = parser.parse_args()
    failures = 0
    for seed in range(args.cases):
        case = os.path.join(args.work, f"seed{seed}")
        os.makedirs(case, exist_ok=True)
        gt, dets = generate(args.images, 60 + 20 * (seed % 4), seed)
        mutate(gt, dets, seed)
        paths = {name: os.path.join(case, f"{name}.json") for name in ("gt", "dets", "ours", "ref")}
        json.dump(gt, open(paths["gt"], "w"))
        json.dump(dets, open(paths["dets"], "w"))
        ours = subprocess.run(["dotnet", args.dll, paths["gt"], paths["dets"], "--json", paths["ours"], "--force"],
                              capture_output=True, text=True, check=True).stdout
        ref = subprocess.run(["/usr/bin/python3", os.path.join(HERE, "pycocotools_eval.py"), args.pythonapi,
                              paths["gt"], paths["dets"], paths["ref"]], capture_output=True, text=True, check=True).stdout
        a, b = json.load(open(paths["ours"]))["stats"], json.load(open(paths["ref"]))["stats"]
        same_text = [l for l in ref.splitlines(True) if l.startswith(" Average")] == ours.splitlines(True)
        ok = a == b and same_text
        failures += not ok
        print(f"seed {seed}: {len(dets)} dets, {len(gt['annotations'])} GT: "
              f"{'identical' if ok else 'DIFFERENT'} (max diff {max(abs(x - y) for x, y in zip(a, b)):g}, "
              f"summary {'same' if same_text else 'differs'})", flush=True)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
