#!/usr/bin/env bash
# Cluster overhead (docs/benchmarks.md, "Cluster"): `detect val` of the demo model on a generated dataset as one
# process, then as a Slurm array of SHARDS tasks plus its merge on the one-node local cluster, then the merge alone.
# On one node this measures what the scheduler, the extra processes and the merge cost, not a speed-up.
# Needs root and Debian's slurm-wlm and munge (deploy/slurm/local-cluster.sh). The environment reaches both sides
# (sbatch exports it): on a shared machine, OMP_WAIT_POLICY=PASSIVE keeps libgomp's spinning out of the comparison.
#   bench/cluster/run.sh [--images 600] [--shards 3] [--cpus-per-task 1] [--work DIR]
set -euo pipefail
usage() { echo "usage: $0 [--images 600] [--shards 3] [--cpus-per-task 1] [--work DIR]" >&2; exit 2; }
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
images=600 shards=3 cpus=1 work=/tmp/parnet-bench-cluster
while [ $# -gt 0 ]; do
  [ $# -ge 2 ] || usage
  case $1 in
    --images) images=$2 ;;
    --shards) shards=$2 ;;
    --cpus-per-task) cpus=$2 ;;
    --work) work=$2 ;;
    *) usage ;;
  esac
  shift 2
done

now() { date +%s.%N; }
seconds() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
# The detection pass's own time, from val's "N images, D detections in S s" line.
pass_seconds() { sed -n 's/.* detections in \([0-9.]*\) s .*/\1/p' "$1" | head -n 1; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

export DETECT="$repo/detect"
"$DETECT" --help >/dev/null # build once, before anything is timed
rm -rf "$work"
mkdir -p "$work"
chmod 755 "$work" # munged wants every folder above its socket enterable
export PARNET_SLURM_DIR="$work/cluster" SLURM_CONF="$work/cluster/etc/slurm.conf"
trap '"$repo/deploy/slurm/local-cluster.sh" stop >/dev/null' EXIT
"$repo/deploy/slurm/local-cluster.sh" start >/dev/null
"$DETECT" synth --out "$work/shapes" --images 8 --val-images "$images" --seed 1 >/dev/null

echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores;" \
  "AVX flags: $(grep -m1 -o -w 'avx[0-9a-z_]*' /proc/cpuinfo | sort -u | tr '\n' ' ')"
echo "dataset: $images val images at 320 px, weights demo; OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-unset}; load average before: $(load)"

start=$(now)
"$DETECT" val --data "$work/shapes" --weights demo --json "$work/single.json" >"$work/single.log"
single=$(seconds "$start" "$(now)")
echo "one process: $single s wall (detection pass $(pass_seconds "$work/single.log") s); load average $(load)"

start=$(now)
echo "submitted at $(date +%FT%T)"
ids=$("$repo/deploy/slurm/submit-val.sh" "$work/shapes" demo "$work/sharded" --shards "$shards" --cpus-per-task "$cpus")
array=$(sed -n 's/^array job \([0-9]*\).*/\1/p' <<<"$ids")
merge=$(sed -n 's/^merge job \([0-9]*\).*/\1/p' <<<"$ids")
until [ -z "$(squeue -h -j "$array,$merge" -t pending,running,completing,configuring -o %i)" ]; do sleep 0.2; done
sharded=$(seconds "$start" "$(now)")
echo "array of $shards x $cpus CPU + merge: $sharded s wall; load average $(load)"
squeue -h -t all -j "$array,$merge" -o "  job %i %T: start %S end %e"
for log in "$work/sharded/logs/val-${array}_"*.out; do echo "  $(basename "$log"): detection pass $(pass_seconds "$log") s"; done

parts=$(seq -f "$work/sharded/parts/val-part-%g.json" 1 "$shards" | paste -sd,)
start=$(now)
"$DETECT" val --data "$work/shapes" --merge "$parts" --json "$work/merge-again.json" >/dev/null
echo "merge alone (a process reading $shards parts, evaluating, writing metrics): $(seconds "$start" "$(now)") s"

python3 - "$work/single.json" "$work/sharded/metrics.json" <<'EOF'
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:])
print("stats identical:", a["stats"] == b["stats"], "| mAP50-95", round(a["stats"][0], 4),
      "| detections", a["counts"]["detections"], b["counts"]["detections"])
EOF
