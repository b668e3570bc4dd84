#!/bin/bash
# Reproduces the bundled demo model, models/parnet-n-yolo-synth.ckpt: parnet-n-yolo trained from scratch at 320 px
# on a generated shapes set (6 classes) from the scene model the demo video is rendered with (FRAME_SHARE of the
# images at the video's 640x480, the rest 320 px squares), reduced to float16 inference weights, then calibrated:
# `detect val --calibrate` writes the per-class score thresholds that maximise F1 at IoU 0.50 on images it never
# trained on into the checkpoint, with the side they were found at (320, the trained one; larger sides start ghost
# tracks, see docs/benchmarks.md), and predict and serve use them. Results: docs/benchmarks.md.
# The data is generated from a seed, so the same commands give the same data anywhere. Fresh generated images stand
# in for augmentation (--no-augment): a 30-epoch run over 1,000 augmented images underfit (train mAP50 = val mAP50).
# Then bench/detector/video-accuracy.sh measures it frame by frame on a video rendered with another seed.
set -euo pipefail
cd "$(dirname "$0")/../.."
EPOCHS=${EPOCHS:-15}
FRAME_SHARE=${FRAME_SHARE:-0.3}
./detect synth --out runs/demo-data --images 3000 --val-images 100 --size 320 --frame-share "$FRAME_SHARE" --seed 0 --force
./detect train --data runs/demo-data --model parnet-n-yolo --epochs "$EPOCHS" --img 320 --batch 8 --nominal-batch 8 \
    --lr0 0.03 --warmup-epochs 1 --no-augment --workers 1 --out runs/demo --force
dotnet run -c Release --project bench/detector/DetectorBench -- strip --in runs/demo/best.ckpt \
    --out models/parnet-n-yolo-synth.ckpt --note "bench/detector/demo.sh (EPOCHS=$EPOCHS, FRAME_SHARE=$FRAME_SHARE)"
# Calibration images: another seed, neither trained on nor used to pick the best epoch (their train split is unused).
./detect synth --out runs/demo-calibration --images 1 --val-images 400 --size 320 --frame-share "$FRAME_SHARE" --seed 1 --force
./detect val --data runs/demo-calibration --weights models/parnet-n-yolo-synth.ckpt --calibrate
./detect val --data runs/demo-data --weights models/parnet-n-yolo-synth.ckpt
