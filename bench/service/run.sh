#!/usr/bin/env bash
# Live-service benchmarks (docs/benchmarks.md, "Service").
#
#   bench/service/run.sh speed [seconds=60]      end-to-end frames/s flat out, capture->result latency, share of
#                                                each frame's time outside the forward pass
#   bench/service/run.sh motion [seconds=60]     still scene, motion gate off then on: detector fps and CPU
#   bench/service/run.sh soak  [seconds=1800]    looping video in real time, MJPEG viewer attached, RSS every 10 s
#   bench/service/run.sh history-api [events=100000]   that many events in a new history, then /api/events pages
#                                                p50/p95 per filter while the service runs (FPS_CAP, default 2)
#   bench/service/run.sh history-record [seconds=1800] four cameras in real time at a high event rate, recording off
#                                                then on: detection frames/s, disk held against BUDGET_MB (per
#                                                camera, default 100), RSS every 10 s
#   Short checks that the harness works: history-api 5000, history-record 120 (docs/benchmarks.md, "Event history").
#   bench/service/run.sh tracks [seconds=120]    the camera pipeline on a rendered video against its ground truth
#                                                (VIDEO=F.avi from `detect synth --video F.avi --seed S`, beside F.json):
#                                                precision/recall of confirmed objects, ghost tracks, tracks vs objects
#
# WEIGHTS (default demo; random:parnet-n-yolo:640 = untrained weights, same compute) and VIDEO (default the demo
# shapes video, rendered by `detect serve` into ~/.cache/parnet-detect) can be set; FPS_CAP limits detector
# frames/s in the soak (default 4, to leave a shared machine some CPU) and in tracks (default 5, as a camera's);
# BACKEND (onnx, the service's default, or torch) runs the network. Results are appended to runs/bench/service/.
set -euo pipefail
cd "$(dirname "$0")/../.."
MODE=${1:?usage: bench/service/run.sh speed|motion|soak|tracks|history-api|history-record [seconds|events]}
SECONDS_ARG=${2:-$(case $MODE in soak | history-record) echo 1800 ;; history-api) echo 100000 ;; tracks) echo 120 ;; *) echo 60 ;; esac)}
WEIGHTS=${WEIGHTS:-demo}
VIDEO=${VIDEO:-$HOME/.cache/parnet-detect/demo-shapes-v2.avi}
FPS_CAP=${FPS_CAP:-$(case $MODE in soak) echo 4 ;; history-api) echo 2 ;; tracks) echo 5 ;; *) echo 0 ;; esac)}
OUT=${OUT:-runs/bench/service}
export PARNET_BUILD_ROOT=${PARNET_BUILD_ROOT:-/tmp/build-bench}
dotnet build -c Release bench/service/ServiceBench -v q -nologo | grep -E "error|Warn" || true
[[ -f $VIDEO ]] || { echo "no video at $VIDEO: run ./detect serve once (renders the demo video) or set VIDEO=" >&2; exit 1; }
extra=()
case $MODE in
  history-api) extra=(--events "$SECONDS_ARG" --requests "${REQUESTS:-200}"); SECONDS_ARG=60 ;;
  history-record) extra=(--budget-mb "${BUDGET_MB:-100}") ;;
esac
dotnet "$PARNET_BUILD_ROOT/bin/ServiceBench/Release/net10.0/service-bench.dll" "$MODE" --weights "$WEIGHTS" \
  --video "$VIDEO" --seconds "$SECONDS_ARG" --fps-cap "$FPS_CAP" --backend "${BACKEND:-onnx}" --out "$OUT" "${extra[@]}"
