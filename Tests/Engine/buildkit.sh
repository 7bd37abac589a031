#!/usr/bin/env bash
# Gives a private engine (started by engine.sh start DIR) a BuildKit build cache of every kind
# BuildKit makes offline, with real BuildKit builds:
#
#   buildkit.sh DIR
#
# - a two-stage Dockerfile, FROM base:latest twice (records of the image's layer, shared);
# - a COPY from the context (a source.local record, updated by the second build);
# - a RUN --mount=type=cache that writes into the cache mount on each build (exec.cachemount);
# - a rebuild after the context changed, so the first build's stage records are superseded:
#   no image uses them, nothing holds them, `docker builder prune` would free them.
#
# Images: bkcache:1 and bkcache:2 (base:latest is imported when the engine has none). The
# builds use Debian's own client, /usr/bin/docker, whose `docker build` speaks BuildKit (the
# docker first on PATH may be a client without buildx); without --network=none a RUN fails with
# "network bridge not found". It writes DIR/buildkit.json, the engine's /system/df answer taken
# when the builds were done, and prints the build cache as the engine lists it.
set -euo pipefail

[[ $# -eq 1 ]] || { echo "usage: $0 DIR" >&2; exit 64; }
dir=${1%/}
case $dir in /*) ;; *) dir=$PWD/$dir ;; esac
socket=$dir/docker.sock
export DOCKER_HOST=unix://$socket
export DOCKER_BUILDKIT=1
# The client must not read or write the invoking user's ~/.docker.
export DOCKER_CONFIG=$dir/client-config
mkdir -p "$DOCKER_CONFIG"
docker=${DOCKDU_BUILDKIT_DOCKER:-/usr/bin/docker}

say() { printf 'buildkit: %s\n' "$*"; }
fail() { printf 'buildkit: %s\n' "$*" >&2; exit 1; }
api() { curl --silent --fail --unix-socket "$socket" "http://localhost$1"; }

api /_ping >/dev/null || fail "no engine answers on $socket (run engine.sh start $dir first)"
[[ -x $docker ]] || fail "$docker not found (apt-get install docker.io: its client builds with BuildKit)"
command -v jq >/dev/null || fail "jq not found (apt-get install jq)"

ctx=$dir/buildkit-contexts
rm -rf "$ctx"
mkdir -p "$ctx"

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
"$here/base-image.sh" "$docker" "$ctx" || fail "cannot import base:latest"

app=$ctx/app
mkdir -p "$app"
# The cache mount gains a file on each build (random data, so no layer of it compresses or
# dedupes away); the stage's own layer holds what the build made from the context.
cat >"$app/Dockerfile" <<'EOF'
FROM base:latest AS tools
COPY app.txt /src/app.txt
RUN --mount=type=cache,target=/cache \
    head -c 65536 /dev/urandom >"/cache/random-$(cat /src/app.txt | wc -c)" && \
    seq 1 20000 >/cache/numbers && \
    ls -l /cache >/listing.txt && seq 1 30000 >/tools.txt

FROM base:latest
COPY --from=tools /tools.txt /listing.txt /opt/
COPY app.txt /app.txt
EOF

build() { # build TAG: BuildKit's plain progress only when it fails
    if ! "$docker" build --progress=plain --network=none -t "$1" "$app" >"$ctx/build-$1.log" 2>&1; then
        cat "$ctx/build-$1.log" >&2
        fail "docker build -t $1 failed"
    fi
    say "built $1 ($("$docker" image inspect -f '{{.Id}}' "$1"))"
}

echo 'version 1' >"$app/app.txt"
build bkcache:1
# BuildKit's times are in nanoseconds, but a second apart keeps last-used orders unambiguous.
sleep 1
echo 'version 2, longer than the first' >"$app/app.txt"
build bkcache:2

api /system/df >"$dir/buildkit.json"
records=$(jq '.BuildCache | length' "$dir/buildkit.json")
for type in regular source.local exec.cachemount; do
    jq -e --arg type "$type" '.BuildCache | any(.Type == $type)' "$dir/buildkit.json" >/dev/null ||
        fail "the engine lists no $type build-cache record"
done
jq -e '.BuildCache | any(.Shared) and any(.Shared | not)' "$dir/buildkit.json" >/dev/null ||
    fail "expected both shared and private build-cache records"

echo
jq -r '["ID", "TYPE", "SIZE", "SHARED", "INUSE", "USES", "DESCRIPTION"],
    (.BuildCache | sort_by(.CreatedAt, .ID)[] |
        [.ID, .Type, .Size, .Shared, .InUse, .UsageCount, .Description]) | @tsv' "$dir/buildkit.json"
echo
say "$records build-cache records, $(ls "$dir/root/overlay2" | grep -Ecx '[a-z0-9]{25}') BuildKit" \
    "snapshot directories in overlay2/; /system/df saved in $dir/buildkit.json"
