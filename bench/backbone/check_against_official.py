#!/usr/bin/python3
"""Checks parnet_reference.py against the official code: same state_dict keys and shapes, same outputs.

    git clone https://github.com/imankgoyal/NonDeepNetworks /tmp/NonDeepNetworks
    /usr/bin/python3 bench/backbone/check_against_official.py /tmp/NonDeepNetworks

Imports only the official model files (timm's package __init__ and tqdm are stubbed out), builds ParNet-S from the
official YAML widths and a tiny one, copies random weights across and compares.
"""
import os
import sys
import types

import torch


def import_official(repo):
    root = os.path.join(repo, "imagenet")
    sys.path.insert(0, root)
    for name, path in (("timm", "timm"), ("timm.models", "timm/models"), ("timm.models.layers", "timm/models/layers")):
        module = types.ModuleType(name)
        module.__path__ = [os.path.join(root, path)]
        sys.modules[name] = module
    sys.modules.setdefault("tqdm", types.ModuleType("tqdm"))
    from timm.models.simplenet_impl.simpnet import SimpNet
    return SimpNet


def main():
    SimpNet = import_official(sys.argv[1])
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import parnet_reference as ref

    ok = True
    for planes in ([92, 192, 384, 1280], [8, 16, 32, 64]):
        # The released YAMLs say additional_branches: [[swish]], which builds ReLU.
        official = SimpNet(planes=planes, num_blocks=[5, 6, 6, 1], dropout_lin=0.0, additional_branches=[["swish"]])
        ours = ref.ParNet((min(64, planes[0]), *planes), activation="relu")
        shapes_official = {k: tuple(v.shape) for k, v in official.state_dict().items()}
        shapes_ours = {k: tuple(v.shape) for k, v in ours.state_dict().items()}
        ref.randomize_batchnorms(ours, torch.Generator().manual_seed(0))
        official.load_state_dict(ours.state_dict())
        official.eval(), ours.eval()
        x = torch.randn(1, 3, 64, 64)
        with torch.no_grad():
            diff = (official(x) - ours(x)).abs().max().item()
        same = shapes_official == shapes_ours and list(shapes_official) == list(shapes_ours)
        print(f"planes {planes}: {len(shapes_official)} keys, identical keys/shapes/order: {same}, max |diff| {diff:g}")
        ok &= same and diff == 0
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
