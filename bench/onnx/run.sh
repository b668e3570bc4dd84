#!/usr/bin/env bash
# ONNX Runtime benchmark: our exported graph (fp32 and int8) against PyTorch's own exporter's on the same weights.
#
#   bench/onnx/run.sh [weights=demo] [img=320] [iters=50]       weights: demo, a checkpoint, or random (MODEL env)
#
# onnx-bench writes the unfused weights and our graphs; Debian's python3-torch builds bench/detector/yolo_reference.py,
# loads the same weights and exports with torch.onnx.export (opset 17); onnx-bench runs every file interleaved in
# ONNX Runtime (BENCH_THREADS threads, default 2) and reports median/p90 latency, node counts (file and as ONNX
# Runtime runs it) and the outputs' agreement. Results in runs/bench/onnx/ (results.json). Run on an idle machine.
set -euo pipefail
cd "$(dirname "$0")/../.."
WEIGHTS=${1:-demo}
IMG=${2:-320}
ITERS=${3:-50}
OUT=${OUT:-runs/bench/onnx}
PYTHON=/usr/bin/python3  # Debian's python3-torch and python3-onnx, not a pyenv shim
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}
export PARNET_BUILD_ROOT=${PARNET_BUILD_ROOT:-/tmp/build-bench}
mkdir -p "$OUT"
rm -f "$OUT"/*.onnx
dotnet build -c Release bench/onnx/OnnxBench -v q -nologo | grep -E "error|Warn" || true
TOOL="$PARNET_BUILD_ROOT/bin/OnnxBench/Release/net10.0/onnx-bench.dll"
dotnet "$TOOL" export "$OUT" --weights "$WEIGHTS" --img "$IMG" --model "${MODEL:-parnet-n-yolo}"
$PYTHON bench/onnx/torch_export.py "$OUT"
dotnet "$TOOL" run "$OUT" --iters "$ITERS" --threads "${BENCH_THREADS:-2}"
