#!/usr/bin/env bash
# Imports base:latest (static busybox with its applets, PATH=/bin, CMD sh) into the private engine
# DOCKER_HOST names, unless it has one already: the base the engine tests' builds start from.
#
#   base-image.sh DOCKER [SCRATCH]
#
# DOCKER is the client to use (the engine tests use Debian's /usr/bin/docker); SCRATCH a folder
# for the root file system it assembles (default: a temporary one), removed afterwards.
set -euo pipefail

[[ $# -ge 1 && $# -le 2 ]] || { echo "usage: $0 DOCKER [SCRATCH]" >&2; exit 64; }
docker=$1
"$docker" image inspect base:latest >/dev/null 2>&1 && exit 0
busybox=$(readlink -f "$(command -v busybox || echo /bin/busybox)")
[[ -x $busybox ]] || { echo "base-image: busybox not found (apt-get install busybox-static)" >&2; exit 1; }
scratch=${2:-$(mktemp -d /tmp/dockdu-base.XXXXXX)}
rootfs=$scratch/base-rootfs
trap 'rm -rf -- "$rootfs"; [[ $# -eq 2 ]] || rmdir -- "$scratch" 2>/dev/null || :' EXIT
mkdir -p "$rootfs/bin" "$rootfs/tmp"
cp "$busybox" "$rootfs/bin/busybox"
for applet in $("$rootfs/bin/busybox" --list); do
    [[ $applet == busybox ]] || ln -s busybox "$rootfs/bin/$applet"
done
tar -C "$rootfs" -c . | "$docker" import -c 'ENV PATH=/bin' -c 'CMD ["sh"]' - base:latest >/dev/null
