#!/usr/bin/env python3
"""Builds the small constructed cases in Tests/CocoEval.Tests/TestData/behaviours/ and their expected numbers from
real pycocotools: one case per behaviour of docs/coco-eval.md that other reimplementations get wrong.

usage: make_behaviour_cases.py PYTHONAPI_DIR OUT_DIR

Each case gets gt.json, dets.json (absent for 'no detections': pycocotools' loadRes cannot take an empty list, so
the expected numbers come from an empty results COCO object), optional params.json (maxDets) and expected.json
(stats, per-category AP, summary text).
"""
import contextlib
import copy
import io
import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pycocotools_shim import import_pycocotools  # noqa: E402

api_dir, out_dir = sys.argv[1:3]
COCO, COCOeval, np = import_pycocotools(api_dir)


def gt_file(images, cats, anns):
    return {"images": [{"id": i, "width": 640, "height": 480, "file_name": f"{i}.jpg"} for i in images],
            "categories": [{"id": c, "name": f"cat{c}"} for c in cats],
            "annotations": anns}


def ann(ann_id, image, cat, box, area=None, crowd=0, **extra):
    a = {"id": ann_id, "image_id": image, "category_id": cat, "bbox": box,
         "area": box[2] * box[3] if area is None else area, "iscrowd": crowd}
    a.update(extra)
    return a


def det(image, cat, box, score):
    return {"image_id": image, "category_id": cat, "bbox": box, "score": score}


def crowd_iou():
    anns = [ann(1, 1, 1, [100, 100, 300, 200], area=30000, crowd=1),
            ann(2, 1, 1, [10, 10, 50, 50]),
            ann(3, 1, 1, [150, 150, 40, 40]),          # a regular GT inside the crowd region
            ann(4, 1, 1, [500, 300, 60, 60], ignore=1),  # 'ignore' is overwritten by iscrowd (0): counts
            ann(5, 2, 1, [0, 0, 200, 200], area=40000, crowd=1),
            ann(6, 2, 2, [300, 200, 80, 60]),
            ann(7, 2, 2, [200, 100, 300, 300], area=90000, crowd=1)]
    dets = [det(1, 1, [120, 120, 20, 20], 0.9), det(1, 1, [200, 200, 30, 30], 0.8), det(1, 1, [300, 250, 40, 40], 0.7),
            det(1, 1, [350, 250, 100, 100], 0.65),     # a quarter inside the crowd: IoU 0.25 with it
            det(1, 1, [155, 150, 40, 40], 0.6),        # IoU .78 with GT 3, 1.0 with the crowd
            det(1, 1, [12, 12, 50, 50], 0.5), det(1, 1, [502, 305, 60, 55], 0.4), det(1, 1, [0, 0, 640, 480], 0.3),
            det(2, 1, [10, 10, 20, 20], 0.9), det(2, 1, [50, 50, 100, 100], 0.2),
            det(2, 2, [305, 205, 80, 60], 0.8), det(2, 2, [300, 200, 80, 60], 0.7), det(2, 2, [250, 150, 50, 50], 0.6)]
    return gt_file([1, 2], [1, 2], anns), dets, None


def area_ranges():
    # GT 'area' differs from the box area on purpose; areas at 0, 32^2 and 96^2 exactly (ranges are inclusive).
    anns = [ann(1, 1, 1, [10, 10, 32, 32], area=1024), ann(2, 1, 1, [100, 10, 96, 96], area=9216),
            ann(3, 1, 1, [300, 10, 20, 20], area=5000), ann(4, 1, 1, [10, 200, 150, 150], area=1000),
            ann(5, 2, 1, [10, 10, 5, 5], area=0), ann(6, 2, 1, [100, 100, 97, 97]),
            ann(7, 2, 1, [300, 300, 31, 33])]
    dets = [det(1, 1, [10, 10, 32, 32], 0.9), det(1, 1, [100, 10, 96, 96], 0.8), det(1, 1, [301, 11, 20, 20], 0.85),
            det(1, 1, [12, 205, 150, 140], 0.7),
            det(1, 1, [400, 300, 32, 32], 0.75),        # unmatched, area exactly 1024
            det(1, 1, [400, 100, 96, 96], 0.65),        # unmatched, area exactly 9216
            det(1, 1, [500, 400, 100, 50], 0.6),
            det(2, 1, [10, 10, 5, 5], 0.9), det(2, 1, [101, 101, 95, 97], 0.8), det(2, 1, [302, 300, 31, 33], 0.7),
            det(2, 1, [550, 10, 10, 10], 0.95)]
    return gt_file([1, 2], [1], anns), dets, None


def gt_id_zero():
    # pycocotools records matches by GT id: a match to GT id 0 reads as unmatched (the detection counts as a false
    # positive, yet the GT is taken).
    anns = [ann(0, 1, 1, [10, 10, 100, 100]), ann(1, 1, 1, [200, 200, 100, 100]), ann(2, 2, 1, [50, 50, 60, 60])]
    dets = [det(1, 1, [12, 12, 100, 100], 0.9), det(1, 1, [10, 10, 100, 100], 0.8), det(1, 1, [200, 200, 100, 100], 0.7),
            det(2, 1, [50, 50, 60, 60], 0.6), det(2, 1, [300, 300, 20, 20], 0.5)]
    return gt_file([1, 2], [1], anns), dets, None


def maxdets(max_dets=None):
    rng = random.Random(3)
    anns, dets, ann_id = [], [], 1
    for image in (1, 2, 3):
        for cat in (1, 2, 3):
            for _ in range(12 if image == 1 else 4):
                box = [rng.randint(0, 560), rng.randint(0, 400), rng.randint(10, 80), rng.randint(10, 80)]
                anns.append(ann(ann_id, image, cat, box))
                ann_id += 1
    for a in anns:
        copies = 9 if a["image_id"] == 1 else 3
        for c in range(copies):
            x, y, w, h = a["bbox"]
            box = [x + rng.randint(-4, 4), y + rng.randint(-4, 4), w + rng.randint(-3, 3), h + rng.randint(-3, 3)]
            dets.append(det(a["image_id"], a["category_id"], box, round(rng.choice([0.5, 0.5, 0.6, rng.random()]), 2)))
    # 108 detections per category on image 1: beyond 100 the lowest-ranked (ties in file order) are cut.
    rng.shuffle(dets)
    return gt_file([1, 2, 3], [1, 2, 3], anns), dets, max_dets


def score_ties():
    rng = random.Random(7)
    anns, dets, ann_id = [], [], 1
    for image in range(1, 7):
        for _ in range(5):
            box = [rng.randint(0, 500), rng.randint(0, 350), rng.randint(20, 120), rng.randint(20, 120)]
            anns.append(ann(ann_id, image, 1, box))
            ann_id += 1
            x, y, w, h = box
            for _ in range(2):  # a hit and a near-miss with the same score
                dets.append(det(image, 1, [x + rng.randint(-2, 2), y, w, h], 0.5))
                dets.append(det(image, 1, [x + w // 2, y + h // 2, w, h], 0.5))
        dets.append(det(image, 1, [600, 440, 30, 30], 0.5))
    return gt_file(list(range(1, 7)), [1], anns), dets, None


def missing_categories():
    anns = [ann(1, 1, 1, [10, 10, 50, 50]), ann(2, 1, 2, [100, 100, 50, 50]), ann(3, 2, 2, [10, 10, 30, 30], crowd=1)]
    dets = [det(1, 1, [10, 10, 50, 50], 0.9), det(1, 2, [100, 100, 50, 50], 0.8), det(1, 3, [10, 10, 50, 50], 0.7),
            det(2, 3, [5, 5, 20, 20], 0.6), det(2, 99, [0, 0, 10, 10], 0.5), det(3, 1, [0, 0, 10, 10], 0.4)]
    return gt_file([1, 2, 3], [1, 2, 3, 4, 5], anns), dets, None


def no_detections():
    gt, _, _ = crowd_iou()
    return gt, [], None


def evaluate(gt_path, dets, max_dets):
    gt = COCO(gt_path)
    if dets:
        dt = gt.loadRes(copy.deepcopy(dets))
    else:  # loadRes fails on an empty list; an empty results set evaluates fine
        dt = COCO()
        dt.dataset = {"images": gt.dataset["images"], "categories": gt.dataset["categories"], "annotations": []}
        dt.createIndex()
    e = COCOeval(gt, dt, "bbox")
    if max_dets:
        e.params.maxDets = max_dets
    e.evaluate()
    e.accumulate()
    text = io.StringIO()
    with contextlib.redirect_stdout(text):
        e.summarize()
    precision = e.eval["precision"]
    per_cat = {}
    for k, cat in enumerate(e.params.catIds):
        p = precision[:, :, k, 0, -1]
        per_cat[str(cat)] = float(np.mean(p[p > -1])) if (p > -1).any() else -1.0
    return {"stats": [float(s) for s in e.stats], "per_category_ap": per_cat, "summary": text.getvalue(),
            "reference": "cocodataset/cocoapi PythonAPI @8c9bcc3, numpy " + np.__version__}


CASES = {"crowd_iou": crowd_iou, "area_ranges": area_ranges, "gt_id_zero": gt_id_zero, "maxdets_per_image_category": maxdets,
         "maxdets_custom_1_5_20": lambda: maxdets([1, 5, 20]), "score_ties": score_ties,
         "missing_categories": missing_categories, "no_detections": no_detections}

for name, build in CASES.items():
    gt, dets, max_dets = build()
    case_dir = os.path.join(out_dir, name)
    os.makedirs(case_dir, exist_ok=True)
    with open(os.path.join(case_dir, "gt.json"), "w") as f:
        json.dump(gt, f, indent=1)
    with open(os.path.join(case_dir, "dets.json"), "w") as f:
        json.dump(dets, f, indent=1)
    if max_dets:
        with open(os.path.join(case_dir, "params.json"), "w") as f:
            json.dump({"maxDets": max_dets}, f)
    with contextlib.redirect_stdout(io.StringIO()):
        expected = evaluate(os.path.join(case_dir, "gt.json"), dets, max_dets)
    with open(os.path.join(case_dir, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1)
    print(name, ["%.4f" % s for s in expected["stats"]])
