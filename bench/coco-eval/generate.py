#!/usr/bin/env python3
"""Seeded COCO-style evaluation case: GT instances file + results file.

Defaults follow the benchmark in docs/benchmarks.md: 5,000 images, 80 categories (COCO's ids 1..90 with gaps),
about 7.2 GT boxes per image (1% crowd, small/medium/large mix, 'area' below the box area as segmentation areas are)
and 100 detections per image: jittered copies of GT (some duplicated, some with the wrong class), random false
positives, scores rounded to 3 decimals so ties occur. Standard library only.

usage: generate.py OUT_DIR [--images 5000] [--dets-per-image 100] [--seed 0]
"""
import argparse
import json
import os
import random

COCO_IDS = [i for i in range(1, 91) if i not in (12, 26, 29, 30, 45, 66, 68, 69, 71, 83)]


def box_of_scale(rng, width, height):
    # Roughly COCO's size mix: 40% small, 35% medium, 25% large.
    u = rng.random()
    side = rng.uniform(4, 32) if u < 0.4 else rng.uniform(32, 96) if u < 0.75 else rng.uniform(96, 400)
    aspect = rng.uniform(0.5, 2.0)
    w = min(width - 1, side * aspect ** 0.5)
    h = min(height - 1, side / aspect ** 0.5)
    x = rng.uniform(0, width - w)
    y = rng.uniform(0, height - h)
    return [round(x, 2), round(y, 2), round(w, 2), round(h, 2)]


def jitter(rng, box, amount, width, height):
    x, y, w, h = box
    w2 = max(1.0, w * (1 + rng.gauss(0, amount)))
    h2 = max(1.0, h * (1 + rng.gauss(0, amount)))
    x2 = min(max(0.0, x + w * rng.gauss(0, amount)), width - 1)
    y2 = min(max(0.0, y + h * rng.gauss(0, amount)), height - 1)
    return [round(x2, 2), round(y2, 2), round(w2, 2), round(h2, 2)]


def generate(images, dets_per_image, seed):
    rng = random.Random(seed)
    gt_images, annotations, results = [], [], []
    ann_id = 1
    for image_id in range(1, images + 1):
        width, height = rng.choice([(640, 480), (480, 640), (640, 427), (500, 375)])
        gt_images.append({"id": image_id, "file_name": f"{image_id:012d}.jpg", "width": width, "height": height})
        boxes = []
        for _ in range(max(0, int(rng.gauss(7.7, 4)))):
            box = box_of_scale(rng, width, height)
            category = rng.choice(COCO_IDS[:20]) if rng.random() < 0.5 else rng.choice(COCO_IDS)
            crowd = 1 if rng.random() < 0.01 else 0
            area = round(box[2] * box[3] * rng.uniform(0.55, 0.9), 2)
            annotations.append({"id": ann_id, "image_id": image_id, "category_id": category, "bbox": box,
                                "area": area, "iscrowd": crowd, "segmentation": [[box[0], box[1], box[0] + box[2], box[1],
                                                                                   box[0] + box[2], box[1] + box[3]]]})
            ann_id += 1
            boxes.append((box, category))
        dets = []
        for box, category in boxes:
            for _ in range(rng.choice([1, 1, 1, 2, 3])):  # duplicates
                label = category if rng.random() < 0.9 else rng.choice(COCO_IDS)
                dets.append((jitter(rng, box, rng.choice([0.03, 0.08, 0.2]), width, height), label,
                             round(rng.betavariate(4, 2), 3)))
        while len(dets) < dets_per_image:
            dets.append((box_of_scale(rng, width, height), rng.choice(COCO_IDS), round(rng.betavariate(1.2, 5), 3)))
        for box, label, score in dets[:dets_per_image]:
            results.append({"image_id": image_id, "category_id": label, "bbox": box, "score": score})
    categories = [{"id": i, "name": f"class{i}", "supercategory": "thing"} for i in COCO_IDS]
    gt = {"info": {"description": f"coco-eval benchmark, seed {seed}"}, "images": gt_images,
          "annotations": annotations, "categories": categories}
    return gt, results


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out_dir")
    parser.add_argument("--images", type=int, default=5000)
    parser.add_argument("--dets-per-image", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    gt, results = generate(args.images, args.dets_per_image, args.seed)
    os.makedirs(args.out_dir, exist_ok=True)
    with open(os.path.join(args.out_dir, "gt.json"), "w") as f:
        json.dump(gt, f, separators=(",", ":"))
    with open(os.path.join(args.out_dir, "dets.json"), "w") as f:
        json.dump(results, f, separators=(",", ":"))
    print(f"{args.out_dir}: {len(gt['images'])} images, {len(gt['annotations'])} GT boxes "
          f"({sum(a['iscrowd'] for a in gt['annotations'])} crowd), {len(results)} detections")


if __name__ == "__main__":
    main()
