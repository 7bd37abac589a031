#!/usr/bin/env bash
# Gives a private engine (started by engine.sh start DIR) images of known sizes and a known order
# of last use, for `dockdu plan --free`:
#
#   lru.sh DIR
#
# base:latest (static busybox, imported), then lru-a, lru-b and lru-c, each base plus one layer
# of 1, 2 and 3 MiB of random data (classic builder, no network), and one container of each run
# to completion in that order, a second apart: a is the least recently used, c the most. It
# writes DIR/lru.json: each image's ID and its container's ID and FinishedAt.
set -euo pipefail

[[ $# -eq 1 ]] || { echo "usage: $0 DIR" >&2; exit 64; }
dir=${1%/}
case $dir in /*) ;; *) dir=$PWD/$dir ;; esac
export DOCKER_HOST=unix://$dir/docker.sock
export DOCKER_CONFIG=$dir/client-config
export DOCKER_BUILDKIT=0
mkdir -p "$DOCKER_CONFIG"
docker=${DOCKDU_LRU_DOCKER:-/usr/bin/docker}
fail() { printf 'lru: %s\n' "$*" >&2; exit 1; }
command -v jq >/dev/null || fail "jq not found (apt-get install jq)"

ctx=$dir/lru-contexts
rm -rf "$ctx"
mkdir -p "$ctx"
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
"$here/base-image.sh" "$docker" "$ctx" || fail "cannot import base:latest"

facts='{}'
mebibytes=1
for name in a b c; do
    mkdir -p "$ctx/$name"
    printf 'FROM base:latest\nRUN head -c %d /dev/urandom > /blob-%s\n' $((mebibytes << 20)) "$name" >"$ctx/$name/Dockerfile"
    "$docker" build --network=none -q -t "lru-$name:latest" "$ctx/$name" >"$ctx/build-$name.log" 2>&1 ||
        { cat "$ctx/build-$name.log" >&2; fail "docker build lru-$name failed"; }
    mebibytes=$((mebibytes + 1))
done
for name in a b c; do
    "$docker" run --name "lru-$name-run" --network=none "lru-$name:latest" true >/dev/null
    sleep 1
    facts=$(jq --arg name "$name" \
        --arg image "$("$docker" image inspect -f '{{.Id}}' "lru-$name:latest")" \
        --arg container "$("$docker" container inspect -f '{{.Id}}' "lru-$name-run")" \
        --arg finished "$("$docker" container inspect -f '{{.State.FinishedAt}}' "lru-$name-run")" \
        '.[$name] = {image: $image, container: $container, finished: $finished}' <<<"$facts")
done
printf '%s\n' "$facts" >"$dir/lru.json"
echo "lru: images lru-a, lru-b, lru-c (1, 2, 3 MiB layers), containers run in that order; facts in $dir/lru.json"
