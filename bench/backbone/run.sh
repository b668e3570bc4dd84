#!/usr/bin/env bash
# Backbone benchmark, C# (TorchSharp) and Debian's python3-torch side by side in one run.
#
#   bench/backbone/run.sh [rounds=2] [models=parnet-n,parnet-t,parnet-s] [sizes=320,640]
#
# Each round runs, for malloc tuning on and off (MALLOC_MODES="on off"), the C# tool and the PyTorch script on the
# same models, sizes, fused and unfused, batch 1 (ITERS=5 forwards after a warm-up); the summary takes the fastest
# forward per cell over all rounds, which filters out other work on a shared machine (interference only adds time),
# and the median over rounds of the ratio of the two processes that ran side by side. Layouts: CS_LAYOUTS (default cl = channels-last, the
# model's default) and PY_LAYOUTS (default nchw,cl: PyTorch's best counts). Numerics: parnet-s at 333x333 (odd
# on purpose), C# weights loaded into PyTorch. BENCH_THREADS sets the threads of both (default: all cores).
# Results in runs/bench/backbone/ (summary.md).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=${1:-2}
MODELS=${2:-parnet-n,parnet-t,parnet-s}
SIZES=${3:-320,640}
ITERS=${ITERS:-5}
CS_LAYOUTS=${CS_LAYOUTS:-cl}
PY_LAYOUTS=${PY_LAYOUTS:-nchw,cl}
OUT=${OUT:-runs/bench/backbone}
PYTHON=/usr/bin/python3  # Debian's python3-torch, not a pyenv shim
# Both runtimes use libgomp; its default spinning makes 2-thread runs 10-40x slower when another process holds a
# core (docs/benchmarks.md). Passive waiting keeps a shared machine measurable.
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}
# The same malloc settings MallocTuning applies in-process, for Python through glibc's environment variables.
PY_MALLOC=(MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=2147483647 MALLOC_TOP_PAD_=134217728)

mkdir -p "$OUT"
export PARNET_BUILD_ROOT=${PARNET_BUILD_ROOT:-/tmp/build-bench}
dotnet build -c Release bench/backbone/BackboneBench -v q -nologo | grep -E "error|Warn" || true
TOOL="$PARNET_BUILD_ROOT/bin/BackboneBench/Release/net10.0/backbone-bench.dll"

echo "numerics: parnet-s 333x333, C# weights and outputs checked in PyTorch"
dotnet "$TOOL" numerics parnet-s 333 "$OUT/numerics"
$PYTHON bench/backbone/numerics.py parnet-s "$OUT/numerics" | tee "$OUT/numerics.json"

for round in $(seq 1 "$ROUNDS"); do
  for malloc in ${MALLOC_MODES:-on off}; do
    echo "round $round, malloc tuning $malloc"
    if [ $malloc = on ]; then cs_env=(); py_env=("${PY_MALLOC[@]}"); else cs_env=(PARNET_MALLOC_TUNING=0); py_env=(); fi
    env "${cs_env[@]}" dotnet "$TOOL" latency "$MODELS" "$SIZES" "$CS_LAYOUTS" "$ITERS" "$OUT/cs-$malloc-$round.json"
    env "${py_env[@]}" $PYTHON bench/backbone/latency.py "$MODELS" "$SIZES" "$PY_LAYOUTS" "$ITERS" "$OUT/py-$malloc-$round.json"
  done
done
$PYTHON bench/backbone/summarize.py "$OUT" | tee "$OUT/summary.md"
