#!/bin/bash
# The coco128 record of docs/benchmarks.md: parnet-n-yolo from scratch (no pretrained backbone) on the 128 COCO
# train2017 images of coco128, training and validating on the same images, 320 px, for about one hour of a 2-core
# CPU (EPOCHS sets the budget; 300 took about an hour there). DATA: a coco128 root (annotations/ + images/).
set -euo pipefail
cd "$(dirname "$0")/../.."
DATA=${DATA:-../shared/data/coco128}
EPOCHS=${EPOCHS:-300}
./detect train --data "$DATA" --train-split train --val-split train --model parnet-n-yolo --epochs "$EPOCHS" \
    --img 320 --batch 16 --nominal-batch 16 --val-every 5 --workers 1 --out runs/coco128 --force
./detect val --data "$DATA" --split train --weights runs/coco128/best.ckpt --json runs/coco128/val.json
