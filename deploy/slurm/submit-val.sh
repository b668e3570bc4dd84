#!/usr/bin/env bash
# Sharded `detect val` on Slurm: an array of N tasks, each evaluating one shard (balanced by image count and size),
# and a merge job that writes OUT/metrics.json (the `detect val --json` layout) and OUT/detections.json (COCO
# results), or names the shards whose part is missing. Prints both job ids. See docs/cluster.md.
set -euo pipefail
# shellcheck source=deploy/slurm/submit-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/submit-lib.sh"
split_allowed=1
parse_submit_args "usage: ${0##*/} DATA WEIGHTS OUT [--shards 4] [--cpus-per-task 1] [--split val] [-- detect val options...]" "$@"
split_args=()
[ -z "$split" ] || split_args=(--split "$split")
prepare_out
prepare_detect
array=$(submit_array val "$input" "$weights" "$out" "${split_args[@]}" "${task_options[@]}")
submit_merge val "$array" "$out/metrics.json and $out/detections.json" "$input" "$out" "$shards" "${split_args[@]}"
