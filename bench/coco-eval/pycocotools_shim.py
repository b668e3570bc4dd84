"""Imports pycocotools from a built cocoapi/PythonAPI directory on a plain Debian 12.

Two shims let the 2020 sources run without extra packages: matplotlib (imported by coco.py for drawing only) is
stubbed, and numpy's removed np.float alias is restored, as pycocotools 2.0.2+ did in its own code. Neither touches
the evaluation.
"""
import sys
import types


def import_pycocotools(api_dir):
    """Returns (COCO, COCOeval, numpy)."""
    for name in ("matplotlib", "matplotlib.pyplot", "matplotlib.collections", "matplotlib.patches"):
        sys.modules.setdefault(name, types.ModuleType(name))
    sys.modules["matplotlib.collections"].PatchCollection = None
    sys.modules["matplotlib.patches"].Polygon = None
    import numpy as np
    if not hasattr(np, "float"):
        np.float = float
    sys.path.insert(0, api_dir)
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval
    return COCO, COCOeval, np
