#!/usr/bin/python3
"""Writes a checkpoint laid out like the official ParNet ImageNet release (timm checkpoint: a dict with epoch, arch,
args and a DataParallel "module."-prefixed state_dict with the official key names and shapes) for a tiny ParNet
(stem 8, widths 8/16/32/64, ReLU as the released checkpoints use, 1000 classes), with random weights and BN
statistics, plus the reference outputs of that model for a fixed input.

    /usr/bin/python3 bench/backbone/make_official_checkpoint.py Tests/Backbone.Tests/TestData

writes official-parnet-tiny.pth.tar (the checkpoint) and official-parnet-tiny-expected.pt (input, p3, p4, p5,
logits: float32). The C# test imports the checkpoint and must reproduce the outputs.
"""
import argparse
import os
import sys
from collections import OrderedDict

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import parnet_reference as ref  # noqa: E402

TINY = (8, 8, 16, 32, 64)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out_dir")
    parser.add_argument("--size", type=int, default=64, help="input size (even at every stride for the official code)")
    args = parser.parse_args()

    torch.manual_seed(0)
    model = ref.ParNet(TINY, activation="relu", num_classes=1000)
    ref.randomize_batchnorms(model, torch.Generator().manual_seed(1))
    model.eval()

    x = torch.randn(1, 3, args.size, args.size, generator=torch.Generator().manual_seed(2))
    with torch.no_grad():
        p3, p4, p5 = model.forward_features(x)
        logits = model.head(p5)

    state = OrderedDict(("module." + k, v) for k, v in model.state_dict().items())
    checkpoint = {
        "epoch": 1,
        "arch": "simplenet_repvgg",
        "state_dict": state,
        "args": argparse.Namespace(model="simplenet_repvgg", planes=list(TINY[1:]), num_blocks=[5, 6, 6, 1]),
        "version": 2,
    }
    os.makedirs(args.out_dir, exist_ok=True)
    torch.save(checkpoint, os.path.join(args.out_dir, "official-parnet-tiny.pth.tar"))
    expected = {"input": x, "p3": p3, "p4": p4, "p5": p5, "logits": logits}
    torch.save(expected, os.path.join(args.out_dir, "official-parnet-tiny-expected.pt"))
    print(f"wrote {len(state)} tensors ({sum(v.numel() for v in state.values())} values) to {args.out_dir}")


if __name__ == "__main__":
    main()
