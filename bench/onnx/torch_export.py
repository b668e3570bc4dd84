#!/usr/bin/python3
"""PyTorch's own ONNX export of the same detector, for bench/onnx/run.sh: builds bench/detector/yolo_reference.py's
YoloDetector, loads the unfused weights `onnx-bench export` wrote (DIR/weights.pt), fuses the ParNet blocks as the C#
model does, wraps the decoding of YoloDetector.Predict and writes DIR/pytorch.onnx with torch.onnx.export at opset
17 (input "images" (1, 3, S, S), output "predictions" (1, K, 5 + nc); BN folded by the exporter, constants folded).

    /usr/bin/python3 bench/onnx/torch_export.py DIR
"""
import json
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "detector"))
import yolo_reference as ref  # noqa: E402


class Predict(nn.Module):
    """YoloDetector.Predict: raw levels -> (N, K, 5 + nc), cx cy w h in input pixels, objectness, class probabilities."""

    def __init__(self, detector):
        super().__init__()
        self.detector = detector
        for level, anchors in enumerate(ref.ANCHORS):
            self.register_buffer(f"anchor{level}", torch.tensor(anchors, dtype=torch.float32).view(1, len(anchors), 1, 1, 2))

    def forward(self, x):
        out = []
        for level, p in enumerate(self.detector(x)):
            n, a, h, w, o = p.shape
            y = p.sigmoid()
            gy, gx = torch.meshgrid(torch.arange(h), torch.arange(w), indexing="ij")
            grid = torch.stack([gx, gy], -1).view(1, 1, h, w, 2).to(y.dtype)
            anchor = getattr(self, f"anchor{level}")
            xy = (y[..., :2] * 2 - 0.5 + grid) * ref.STRIDES[level]
            wh = (y[..., 2:4] * 2) ** 2 * anchor
            out.append(torch.cat([xy, wh, y[..., 4:]], -1).view(n, a * h * w, o))
        return torch.cat(out, 1)


def main():
    folder = sys.argv[1]
    with open(os.path.join(folder, "model.json")) as f:
        spec = json.load(f)
    torch.set_num_threads(2)
    detector = ref.YoloDetector(spec["model"], spec["classes"])
    if spec["activation"] != "silu":
        act = nn.ReLU()
        for m in detector.backbone.modules():
            if hasattr(m, "act") and isinstance(m.act, nn.SiLU):
                m.act = act
    detector.load_state_dict(torch.load(os.path.join(folder, "weights.pt")))
    detector.eval()
    detector.backbone.fuse()
    model = Predict(detector).eval()
    size = spec["img"]
    x = torch.rand(1, 3, size, size, generator=torch.Generator().manual_seed(0))
    path = os.path.join(folder, "pytorch.onnx")
    with torch.no_grad():
        torch.onnx.export(model, x, path, opset_version=17, input_names=["images"], output_names=["predictions"],
                          do_constant_folding=True)
    import onnx  # noqa: E402 - only to count nodes of the written file
    nodes = onnx.load(path).graph.node
    print(f"pytorch.onnx: opset 17, {len(nodes)} nodes ({spec['model']}, {size}x{size})")


if __name__ == "__main__":
    main()
