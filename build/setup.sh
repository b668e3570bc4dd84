#!/usr/bin/env bash
# Idempotent set-up on a fresh Debian/Ubuntu machine: installs the system packages that are missing, checks the
# .NET 10 SDK, then restores and builds. Called by ./detect, ./coco-eval and ./run-tests on first use.
#   build/setup.sh run    packages the programs need at run time
#   build/setup.sh test   plus what the test suite needs (an MQTT broker, a one-node Slurm cluster, ...)
set -euo pipefail
mode=${1:-run}
cd "$(dirname "$0")/.."

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else echo "setup: need root to run: $*" >&2; exit 1; fi
}

apt_updated=0
apt_install() {
  command -v apt-get >/dev/null || { echo "setup: not a Debian/Ubuntu system; install by hand: $*" >&2; exit 1; }
  if [ $apt_updated -eq 0 ]; then as_root apt-get update -qq; apt_updated=1; fi
  echo "setup: installing $*" >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# A package is needed when the file it provides is missing (names differ across releases, e.g. libgtk-3-0t64).
have_lib() { ldconfig -p 2>/dev/null | grep -q "$1"; }
pick() { # the first candidate package name that apt knows
  for p in "$@"; do apt-cache show "$p" >/dev/null 2>&1 && { echo "$p"; return; }; done; echo "$1"; }
required=() optional=()
have_lib 'libgtk-3.so.0' || required+=(gtk)           # OpenCvSharp's native library links GTK 3
command -v ffmpeg >/dev/null || required+=(ffmpeg)   # network cameras are read through an ffmpeg process
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || required+=(fonts-dejavu-core)  # text in PNG plots
if [ "$mode" = test ]; then
  # Tests that need these skip with the reason where a distribution lacks them (Ubuntu ships Chromium as a snap).
  [ -x /usr/sbin/mosquitto ] || optional+=(mosquitto)  # a real MQTT broker for the service's tests
  [ -x /usr/bin/chromium ] || optional+=(chromium)      # the live page, checked headless through Playwright
  command -v npm >/dev/null || optional+=(npm)
  /usr/bin/python3 -c 'import onnx' 2>/dev/null || optional+=(python3-onnx)  # onnx.checker on the exported graphs
  # A one-node Slurm cluster for deploy/slurm's tests (deploy/slurm/local-cluster.sh runs it, not systemd).
  [ -x /usr/sbin/slurmctld ] && [ -x /usr/sbin/slurmd ] || optional+=(slurm-wlm)
  [ -x /usr/sbin/munged ] || optional+=(munge)
  command -v shellcheck >/dev/null || optional+=(shellcheck)
fi
if [ ${#required[@]} -gt 0 ] || [ ${#optional[@]} -gt 0 ]; then
  pkgs=()
  for m in "${required[@]}"; do
    case $m in gtk) pkgs+=("$(pick libgtk-3-0t64 libgtk-3-0)") ;; *) pkgs+=("$m") ;; esac
  done
  [ ${#pkgs[@]} -eq 0 ] || apt_install "${pkgs[@]}"
  for m in "${optional[@]}"; do apt_install "$m" || echo "setup: could not install $m; tests needing it will skip." >&2; done
fi

# playwright-core drives the system's Chromium; it is pinned in the lock file and downloads no browser.
live_page=Tests/Service.Tests/LivePage
if [ "$mode" = test ] && [ ! -d "$live_page/node_modules/playwright-core" ] && command -v npm >/dev/null; then
  npm ci --prefix "$live_page" --no-audit --no-fund --loglevel=error || echo "setup: npm ci failed; the live-page test will skip." >&2
fi

if ! dotnet --list-sdks 2>/dev/null | grep -q '^10\.'; then
  echo "setup: the .NET 10 SDK is missing; trying the distribution's package." >&2
  apt_install dotnet-sdk-10.0 || {
    echo "setup: install the .NET 10 SDK (https://learn.microsoft.com/dotnet/core/install/linux) and rerun." >&2
    exit 1; }
fi
