#!/usr/bin/env bash
# Installs ParNet Detect as a systemd service:
#   /opt/parnet-detect            the published `detect` (framework-dependent; needs the .NET 10 runtime)
#   /etc/parnet-detect/           appsettings.json (kept if present) and an optional `environment` file
#   /var/lib/parnet-detect        working directory: events, snapshots
#   /var/log/parnet-detect        optional rolling log file
#   parnet-detect.service         runs as the system user parnet-detect (groups: video)
#   parnet-detect@.service        the same as instance N of several sharing the cameras (docs/cluster.md)
# Usage: sudo deploy/install.sh [--no-build] [--start]
#   --no-build  install an existing publish folder ($PUBLISH_DIR, default the Cli project's PublishDir)
#   --start     enable and start the service right away
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
prefix=/opt/parnet-detect
# `dotnet publish -o` would also redirect every referenced project; the project's own PublishDir is used instead.
publish_dir() {
  local dir
  dir="$(dotnet msbuild "$repo/Cli/Cli.csproj" -getProperty:PublishDir -p:Configuration=Release | tail -n 1)"
  dir="${dir//\\//}"
  [[ $dir = /* ]] && echo "$dir" || echo "$repo/Cli/$dir"
}
build=1 start=0
for arg in "$@"; do
  case "$arg" in
    --no-build) build=0 ;;
    --start) start=1 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown option '$arg'" >&2; exit 2 ;;
  esac
done

[[ $EUID -eq 0 ]] || { echo "install.sh: run as root (sudo)." >&2; exit 1; }
command -v systemctl >/dev/null || { echo "install.sh: systemd is required." >&2; exit 1; }
command -v ffmpeg >/dev/null || echo "install.sh: note: ffmpeg is not installed; RTSP/HTTP cameras need it (apt-get install ffmpeg)." >&2

if [[ $build -eq 1 ]]; then
  echo "Publishing detect (Release) ..."
  dotnet publish "$repo/Cli/Cli.csproj" -c Release --nologo
fi
publish="${PUBLISH_DIR:-$(publish_dir)}"
publish="${publish%/}"
[[ -x "$publish/detect" ]] || { echo "install.sh: $publish/detect not found; build first or drop --no-build." >&2; exit 1; }

if ! id parnet-detect >/dev/null 2>&1; then
  useradd --system --no-create-home --home-dir /var/lib/parnet-detect --shell /usr/sbin/nologin parnet-detect
fi
getent group video >/dev/null && usermod -a -G video parnet-detect

# Replace the program atomically-ish: copy beside, then swap, so a running service never sees half a folder.
rm -rf "$prefix.new"
cp -a "$publish" "$prefix.new"
rm -rf "$prefix.old"
[[ -d "$prefix" ]] && mv "$prefix" "$prefix.old"
mv "$prefix.new" "$prefix"
rm -rf "$prefix.old"
chown -R root:root "$prefix"

install -d -m 0755 /etc/parnet-detect
if [[ -e /etc/parnet-detect/appsettings.json ]]; then
  echo "Keeping the existing /etc/parnet-detect/appsettings.json (the example is at $prefix/appsettings.example.json)."
else
  install -m 0640 -g parnet-detect "$repo/deploy/appsettings.example.json" /etc/parnet-detect/appsettings.json
  echo "Wrote /etc/parnet-detect/appsettings.json from the example: edit the cameras before starting."
fi
install -m 0644 "$repo/deploy/appsettings.example.json" "$prefix/appsettings.example.json"
install -m 0644 "$repo/deploy/parnet-detect.service" /etc/systemd/system/parnet-detect.service
install -m 0644 "$repo/deploy/parnet-detect@.service" /etc/systemd/system/parnet-detect@.service
systemctl daemon-reload

if [[ $start -eq 1 ]]; then
  systemctl enable --now parnet-detect
  systemctl --no-pager status parnet-detect || true
else
  echo "Installed. Start with: systemctl enable --now parnet-detect; logs: journalctl -u parnet-detect -f"
fi
