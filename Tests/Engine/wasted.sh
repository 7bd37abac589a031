#!/usr/bin/env bash
# Gives a private engine (started by engine.sh start DIR) an image whose upper layers hide bytes
# of the lower ones, for the wasted phase:
#
#   wasted.sh DIR
#
# base:latest (static busybox, imported), then wasted:latest (classic builder, no network): one
# RUN writes files, later RUNs delete one (a whiteout), write one again (replaced), remove a
# directory and make it anew (an opaque directory), remove another whole (a whiteout on a
# directory) and remove one name of a hard-linked pair (the other keeps it visible). It saves the
# image (`docker save`) and replays its layer tars with Tests/Engine/wasted-oracle.py, writing
# DIR/wasted.json: the image's ID and the oracle's figures.
set -euo pipefail

[[ $# -eq 1 ]] || { echo "usage: $0 DIR" >&2; exit 64; }
dir=${1%/}
case $dir in /*) ;; *) dir=$PWD/$dir ;; esac
here=$(cd "$(dirname "$0")" && pwd)
export DOCKER_HOST=unix://$dir/docker.sock
export DOCKER_CONFIG=$dir/client-config
export DOCKER_BUILDKIT=0
mkdir -p "$DOCKER_CONFIG"
docker=${DOCKDU_WASTED_DOCKER:-/usr/bin/docker}
fail() { printf 'wasted: %s\n' "$*" >&2; exit 1; }
command -v python3 >/dev/null || fail "python3 not found"

ctx=$dir/wasted-context
rm -rf "$ctx"
mkdir -p "$ctx"
"$here/base-image.sh" "$docker" "$ctx" || fail "cannot import base:latest"

cat >"$ctx/Dockerfile" <<'DOCKERFILE'
FROM base:latest
RUN head -c 1000000 /dev/urandom > /deleted && head -c 300000 /dev/urandom > /replaced \
 && mkdir -p /tree/sub /gone/deep && head -c 200000 /dev/urandom > /tree/a \
 && head -c 100000 /dev/urandom > /tree/sub/b && echo keep > /tree/keep \
 && head -c 70000 /dev/urandom > /gone/deep/c && head -c 50000 /dev/urandom > /linked && ln /linked /linked2 \
 && ln -s /replaced /pointer
ENV STEP=2
RUN rm /deleted && head -c 400000 /dev/urandom > /replaced
RUN rm -rf /tree /gone && mkdir /tree && echo new > /tree/new && rm /linked && ln -sf /tree/new /pointer
DOCKERFILE
"$docker" build --network=none -q -t wasted:latest "$ctx" >"$ctx/build.log" 2>&1 ||
    { cat "$ctx/build.log" >&2; fail "docker build wasted failed"; }
"$docker" save -o "$ctx/wasted.tar" wasted:latest
oracle=$(python3 "$here/wasted-oracle.py" "$ctx/wasted.tar")
rm -f "$ctx/wasted.tar"
image=$("$docker" image inspect -f '{{.Id}}' wasted:latest)
printf '{"image":"%s","oracle":%s}\n' "$image" "$oracle" >"$dir/wasted.json"
echo "wasted: image wasted:latest $image; oracle $oracle"
