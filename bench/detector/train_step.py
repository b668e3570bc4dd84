#!/usr/bin/python3
"""PyTorch side of `DetectorBench step` (DetectorBench/Program.cs): the same model, batch, synthetic targets,
loss and SGD (Nesterov, three groups) step; prints median ms/step and images/s.

    /usr/bin/python3 bench/detector/train_step.py [model] [img] [batch] [steps] [warmup] [threads]
"""
import statistics
import sys
import time

import torch

from yolo_reference import YoloDetector, parameter_groups, yolo_loss

model_name = sys.argv[1] if len(sys.argv) > 1 else "parnet-n-yolo"
img, batch, steps, warmup = (int(v) for v in (sys.argv[2:6] + ["320", "16", "10", "3"][len(sys.argv[2:6]):]))
torch.set_num_threads(int(sys.argv[6]) if len(sys.argv) > 6 else 2)
nc = 80
torch.manual_seed(0)
model = YoloDetector(model_name, nc).train()
decay, norm, bias = parameter_groups(model)
sgd = torch.optim.SGD([{"params": decay, "weight_decay": 5e-4}, {"params": norm}, {"params": bias}],
                      lr=0.01, momentum=0.937, nesterov=True)
images = torch.rand(batch, 3, img, img)
boxes = [[0.3, 0.3, 0.2, 0.25], [0.7, 0.6, 0.4, 0.3], [0.5, 0.5, 0.05, 0.08], [0.2, 0.8, 0.6, 0.35]]
targets = torch.tensor([[b, (b * 4 + k) % nc] + boxes[k] for b in range(batch) for k in range(4)])
phases = ("forward", "loss", "backward", "optimizer")
times = {name: [] for name in phases + ("total",)}
for s in range(warmup + steps):
    t0 = time.perf_counter()
    levels = model(images)
    t1 = time.perf_counter()
    loss = yolo_loss(levels, targets, nc)
    t2 = time.perf_counter()
    loss.backward()
    t3 = time.perf_counter()
    sgd.step()
    sgd.zero_grad()
    t4 = time.perf_counter()
    if s >= warmup:
        for name, value in zip(phases + ("total",), (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t4 - t0)):
            times[name].append(value)
median = statistics.median_high(times["total"])
breakdown = ", ".join(f"{name} {statistics.median_high(times[name]) * 1000:.0f}" for name in phases)
print(f"pytorch {torch.__version__} step {model_name} img {img} batch {batch}: median {median * 1000:.0f} ms/step, "
      f"{batch / median:.1f} img/s (min {min(times['total']) * 1000:.0f} ms, {steps} steps, {torch.get_num_threads()} threads; "
      f"{breakdown} ms)")
