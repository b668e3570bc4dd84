#!/usr/bin/python3
"""Checks the C# ParNet against PyTorch: loads the weights `backbone-bench numerics` saved (official key names,
TorchSharp.PyBridge .pt) into parnet_reference.ParNet and compares P3, P4, P5 and logits, unfused and fused.

    /usr/bin/python3 bench/backbone/numerics.py <model> <dir>    # prints one JSON line
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import parnet_reference as ref  # noqa: E402


def main():
    name, folder = sys.argv[1], sys.argv[2]
    torch.set_num_threads(2)
    model = ref.ParNet(ref.VARIANTS[name], activation="silu", num_classes=1000)
    model.load_state_dict(torch.load(os.path.join(folder, "weights.pt")))
    model.eval()
    theirs = torch.load(os.path.join(folder, "outputs.pt"))
    x = theirs["input"]
    result = {"model": name, "size": list(x.shape[2:])}
    with torch.inference_mode():
        for tag in ("unfused", "fused"):
            if tag == "fused":
                model.fuse()
            p3, p4, p5 = model.forward_features(x)
            ours = {"p3": p3, "p4": p4, "p5": p5, "logits": model.head(p5)}
            for key, value in ours.items():
                other = theirs[f"{key}_{tag}"]
                assert other.shape == value.shape, (key, other.shape, value.shape)
                result[f"{key}_{tag}_max_abs_diff"] = (other - value).abs().max().item()
                result[f"{key}_{tag}_max_abs"] = value.abs().max().item()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
