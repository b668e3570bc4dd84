#!/bin/bash
# Training-step speed, TorchSharp (DetectorBench step) against Debian's python3-torch (train_step.py) on the same
# detector, batch and synthetic targets, alternating ours / PyTorch ROUNDS times per configuration so that both see
# the same machine state. Prints every run, then the ratio of median images/s (ours / PyTorch) per configuration.
#   bench/detector/step-ratio.sh [ROUNDS=3] [MODEL=parnet-n-yolo] ["IMG:BATCH ..."="320:8 640:8"]
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-3} model=${2:-parnet-n-yolo} configs=${3:-"320:8 640:8"}
out=${PARNET_BUILD_ROOT:-$PWD/.build}/DetectorBench
if ! build=$(dotnet build -c Release bench/detector/DetectorBench -o "$out" -nologo -v q 2>&1); then echo "$build" >&2; exit 1; fi
log=$(mktemp)
for config in $configs; do
  img=${config%:*} batch=${config#*:}
  for round in $(seq "$rounds"); do
    dotnet "$out/ParNetDetect.DetectorBench.dll" step --model "$model" --img "$img" --batch "$batch" --steps 10 --warmup 2 \
        --threads 2 | sed "s/^/ours    /" | tee -a "$log"
    /usr/bin/python3 bench/detector/train_step.py "$model" "$img" "$batch" 10 2 2 | sed "s/^/pytorch /" | tee -a "$log"
  done
done
echo
echo "median images/s over $rounds rounds (ours / PyTorch):"
awk '{ for (i = 1; i <= NF; i++) { if ($i == "img") img = $(i + 1); if ($i == "batch") b = $(i + 1); if ($i ~ /img\/s/) r = $(i - 1) }
       sub(/:$/, "", b); key = img ":" b; v[$1 "," key] = v[$1 "," key] " " r; keys[key] = 1 }
     function median(s,   a, n, i, j, t) { n = split(s, a, " "); for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
       if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }; return a[int((n + 1) / 2)] }
     END { for (k in keys) { o = median(v["ours," k]); p = median(v["pytorch," k])
       printf "  img:batch %s  ours %.1f  pytorch %.1f  ratio %.2f\n", k, o, p, o / p } }' "$log"
rm -f "$log"
