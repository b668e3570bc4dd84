#!/usr/bin/env python3
"""Reference run of pycocotools (bbox) for the benchmark: prints its summary, writes the 12 stats as JSON.

usage: pycocotools_eval.py PYTHONAPI_DIR GT.json DETS.json OUT.json

PYTHONAPI_DIR is a built cocoapi/PythonAPI (python3 setup.py build_ext --inplace). Two shims let the 2020 sources
run on Debian 12 without extra packages: matplotlib (imported by coco.py for drawing only) is stubbed, and numpy's
removed np.float alias is restored, as pycocotools 2.0.2+ did in its own code. Neither touches the evaluation.
"""
import json
import sys
import types

api_dir, gt_path, dets_path, out_path = sys.argv[1:5]

for name in ("matplotlib", "matplotlib.pyplot", "matplotlib.collections", "matplotlib.patches"):
    sys.modules[name] = types.ModuleType(name)
sys.modules["matplotlib.collections"].PatchCollection = None
sys.modules["matplotlib.patches"].Polygon = None

import numpy as np  # noqa: E402

if not hasattr(np, "float"):
    np.float = float

sys.path.insert(0, api_dir)
from pycocotools.coco import COCO  # noqa: E402
from pycocotools.cocoeval import COCOeval  # noqa: E402

gt = COCO(gt_path)
dt = gt.loadRes(dets_path)
evaluator = COCOeval(gt, dt, "bbox")
evaluator.evaluate()
evaluator.accumulate()
evaluator.summarize()
with open(out_path, "w") as f:
    json.dump({"stats": [float(s) for s in evaluator.stats]}, f)
