#!/usr/bin/env bash
# Sharded `detect predict` over a folder of images on Slurm: an array of N tasks, each detecting one shard of the
# folder (balanced by image count and size) into OUT/parts/<i>/, and a merge job that joins their detections into
# OUT/detections.json, or names the shards whose part is missing. Prints both job ids. See docs/cluster.md.
set -euo pipefail
# shellcheck source=deploy/slurm/submit-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/submit-lib.sh"
parse_submit_args "usage: ${0##*/} IMAGES WEIGHTS OUT [--shards 4] [--cpus-per-task 1] [-- detect predict options...]" "$@"
[ -d "$input" ] || { echo "${0##*/}: $input is not a folder of images." >&2; exit 1; }
prepare_out
prepare_detect
array=$(submit_array predict "$input" "$weights" "$out" "${task_options[@]}")
submit_merge predict "$array" "$out/detections.json" "$out" "$shards"
