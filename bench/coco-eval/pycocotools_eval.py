#!/usr/bin/env python3
"""Reference run of pycocotools (bbox) for the benchmark: prints its summary, writes the 12 stats as JSON.

usage: pycocotools_eval.py PYTHONAPI_DIR GT.json DETS.json OUT.json

PYTHONAPI_DIR is a built cocoapi/PythonAPI (python3 setup.py build_ext --inplace); see pycocotools_shim.py.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pycocotools_shim import import_pycocotools  # noqa: E402

api_dir, gt_path, dets_path, out_path = sys.argv[1:5]
COCO, COCOeval, _ = import_pycocotools(api_dir)

gt = COCO(gt_path)
dt = gt.loadRes(dets_path)
evaluator = COCOeval(gt, dt, "bbox")
evaluator.evaluate()
evaluator.accumulate()
evaluator.summarize()
with open(out_path, "w") as f:
    json.dump({"stats": [float(s) for s in evaluator.stats]}, f)
