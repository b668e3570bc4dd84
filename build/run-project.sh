#!/usr/bin/env bash
# Runs a project's program, building it (Release) first when any source is newer than the last build.
#   build/run-project.sh PROJECT_DIR ASSEMBLY_NAME [args...]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
project=$1 assembly=$2; shift 2
out="$root/.build/$assembly"
stamp="$out/.built"
# Build inputs: sources, project files, the embedded live page and the bundled models. Data (runs/, datasets'
# .json) is not an input: writing a dataset must not trigger a rebuild.
if [ ! -f "$stamp" ] || [ -n "$(find "$root" \( -name bin -o -name obj -o -name .build -o -name .git -o -name runs \
     -o -name node_modules \) -prune -o \( -name '*.cs' -o -name '*.csproj' -o -name '*.props' -o -name '*.targets' \
     -o -name '*.html' -o -name '*.ckpt' \) -newer "$stamp" -print -quit)" ]; then
  "$root/build/setup.sh" run
  echo "building $assembly ..." >&2
  if ! log=$(dotnet build "$root/$project" -c Release -o "$out" -nologo -v q 2>&1); then
    echo "$log" >&2; exit 1
  fi
  touch "$stamp"
fi
exec dotnet "$out/$assembly.dll" "$@"
