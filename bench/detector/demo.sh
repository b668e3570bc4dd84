#!/bin/bash
# Reproduces the bundled demo model, models/parnet-n-yolo-synth.ckpt: parnet-n-yolo trained from scratch at 320 px
# on a generated shapes set (6 classes), then reduced to float16 inference weights. Results: docs/benchmarks.md.
# The data is generated from a seed, so the same commands give the same data anywhere. Fresh generated images stand
# in for augmentation (--no-augment): a 30-epoch run over 1,000 augmented images underfit (train mAP50 = val mAP50).
set -euo pipefail
cd "$(dirname "$0")/../.."
EPOCHS=${EPOCHS:-10}
./detect synth --out runs/demo-data --images 3000 --val-images 100 --size 320 --seed 0 --force
./detect train --data runs/demo-data --model parnet-n-yolo --epochs "$EPOCHS" --img 320 --batch 8 --nominal-batch 8 \
    --lr0 0.03 --warmup-epochs 1 --no-augment --workers 1 --out runs/demo --force
dotnet run -c Release --project bench/detector/DetectorBench -- strip --in runs/demo/best.ckpt \
    --out models/parnet-n-yolo-synth.ckpt --note "bench/detector/demo.sh (EPOCHS=$EPOCHS)"
./detect val --data runs/demo-data --weights models/parnet-n-yolo-synth.ckpt
