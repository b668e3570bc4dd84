# shellcheck shell=bash
# Shared by submit-val.sh and submit-predict.sh: their options, the output folder, the detect command, and the two
# submissions (the array of shards, then the merge after every task has ended) with both job ids printed.
slurm_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$slurm_dir/../.." && pwd)"

usage_line="" shards=4 cpus=1 split_allowed=0

submit_usage() { echo "$usage_line" >&2; [ $# -eq 0 ] || echo "${0##*/}: $*" >&2; exit 2; }

# parse_submit_args USAGE_LINE "$@": sets input, weights, out, shards, cpus, split and task_options (what follows
# --) for the submitting script.
# shellcheck disable=SC2034 # split and task_options are read by the script that sources this file
parse_submit_args() {
  usage_line=$1
  shift
  local positional=()
  split="" task_options=()
  while [ $# -gt 0 ]; do
    case $1 in
      --shards|--cpus-per-task|--split)
        [ $# -ge 2 ] || submit_usage "$1 needs a value"
        case $1 in --shards) shards=$2 ;; --cpus-per-task) cpus=$2 ;; --split) split=$2 ;; esac
        [ "$1" != --split ] || [ $split_allowed -eq 1 ] || submit_usage "unknown option $1"
        shift 2 ;;
      --) shift; task_options=("$@"); break ;;
      -h|--help) echo "$usage_line"; exit 0 ;;
      -*) submit_usage "unknown option $1" ;;
      *) positional+=("$1"); shift ;;
    esac
  done
  [ ${#positional[@]} -eq 3 ] || submit_usage
  [[ $shards =~ ^[1-9][0-9]*$ ]] || submit_usage "--shards must be a whole number >= 1 (got '$shards')"
  [[ $cpus =~ ^[1-9][0-9]*$ ]] || submit_usage "--cpus-per-task must be a whole number >= 1 (got '$cpus')"
  input=$(absolute "${positional[0]}")
  weights=${positional[1]}
  [ ! -e "$weights" ] || weights=$(absolute "$weights") # else a name such as demo
  out=$(absolute "${positional[2]}")
  [ -e "$input" ] || { echo "${0##*/}: $input does not exist." >&2; exit 1; }
}

absolute() { case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }

# A fresh output folder: parts left by an earlier run would otherwise be merged as this run's.
prepare_out() {
  if [ -d "$out" ] && [ -n "$(ls -A "$out")" ]; then
    echo "${0##*/}: $out already holds files; choose another OUT." >&2
    exit 1
  fi
  mkdir -p "$out/logs"
}

# The detect command every job runs ($DETECT, default the checkout's launcher), built here once so that the tasks
# do not all build it at the same time.
prepare_detect() {
  export DETECT="${DETECT:-$repo/detect}"
  command -v "$DETECT" >/dev/null || { echo "${0##*/}: DETECT=$DETECT is not a command." >&2; exit 1; }
  "$DETECT" --help >/dev/null
  command -v sbatch >/dev/null || { echo "${0##*/}: sbatch is missing (a Slurm client; deploy/slurm/local-cluster.sh for a local one)." >&2; exit 1; }
}

# submit_array KIND TASK_ARGS...: submits KIND.sbatch as an array of one task per shard; prints the job id.
submit_array() {
  local kind=$1 array
  shift
  array=$(sbatch --parsable --array="0-$((shards - 1))" --cpus-per-task="$cpus" --output="$out/logs/$kind-%A_%a.out" \
    "$slurm_dir/$kind.sbatch" "$@") || exit 1
  echo "${array%%;*}"
}

# submit_merge KIND ARRAY "what it writes" MERGE_ARGS...: submits KIND-merge.sbatch after the array; prints both ids.
submit_merge() {
  local kind=$1 array=$2 writes=$3 merge
  shift 3
  # afterany, not afterok: with afterok a failed task would leave the merge pending forever (DependencyNeverSatisfied);
  # this way it runs, finds the missing part and says which shard it was.
  merge=$(sbatch --parsable --dependency="afterany:$array" --output="$out/logs/$kind-merge-%j.out" \
    "$slurm_dir/$kind-merge.sbatch" "$@")
  merge=${merge%%;*}
  echo "array job $array: $shards tasks, parts in $out/parts/, logs in $out/logs/"
  echo "merge job $merge: after every task has ended (afterany:$array), writes $writes"
  echo "watch: squeue -j $array,$merge    cancel: scancel $array $merge"
}
