#!/usr/bin/env bash
# dockdu's performance benchmark: how long `dockdu report` takes, and how much memory it needs,
# next to `du -sx` and `gdu` on the same trees. It prints measured figures; it is not a test,
# except that dockdu's total must equal `du -sx --block-size=1` (exit 1 when it does not).
#
#   Tests/Bench/bench.sh [--store overlay2|containerd|both] [--files N] [--runs R] [--keep] [--root DIR]
#
# Without --root it builds each store's tree under mktemp -d /tmp/dockdu-bench.XXXXXX, stops what
# it started so the tree is quiet, and times every tool on it with a warm page cache:
# - overlay2, with a real, private engine (Tests/Engine/engine.sh): a busybox base image, one
#   image whose layer holds N small files (made by layer-tar.py, loaded with docker load), a child
#   image built on it that rewrites a tenth of them and deletes some, containers that wrote a few
#   thousand files into their layers and a volume, hard links throughout.
# - containerd (Docker 29's image store), with a private containerd (Tests/Engine/containerd.sh:
#   a Docker data root holding one container and a volume, a containerd root with two images,
#   containerd's own containers, an unpack in progress, a partial download): N small files, 300 a
#   directory, written into Docker's container's writable snapshot, and an image bench/big:1 whose
#   own layer holds N/10 more (ctr images import), stacked on the rig's busybox base layer.
# Everything it made is removed, and the engine and containerd stopped, on every exit path; with
# --keep the trees are kept (engines stopped).
set -euo pipefail

usage() {
    cat <<'USAGE'
usage: Tests/Bench/bench.sh [--store overlay2|containerd|both] [--files N] [--runs R] [--keep] [--root DIR]

Times `dockdu report --json --no-cache` of a store's tree, `du -sx --block-size=1` of the same
roots and `gdu -npsx` with a warm page cache (one warm-up run each, then R runs, interleaved),
and prints median, min and max wall seconds and median peak RSS, dockdu's ratios to du and gdu,
the tree's size, and whether dockdu's totalBytes equals du's total (exit 1 if not). Where this
dockdu has them, it also times dockdu with a warm layer cache (a private --cache under the
scratch folder; the system's /var/cache/dockdu is never touched) and with DOCKDU_WORKERS=1, and
with --wasted (each image's hidden bytes, a second pass over its layers), without and with a cache.

The containerd tree has two roots, Docker's data root ROOT/docker and containerd's ROOT/root:
dockdu reads them in one run (--root ROOT/docker --containerd-root ROOT/root); du is one
invocation with both (`du -sx --block-size=1 ROOT/docker ROOT/root`, compared by its total, as
-c prints it); gdu takes one directory, so it is one gdu per root, run one after the other by sh.

  --store S   overlay2 (Docker's classic store), containerd (Docker 29's containerd image store),
              or both, one after the other (default both: about 5 minutes here with 300000
              files, 1.5 of them the containerd tree's)
  --files N   overlay2: files in the big image's layer; containerd: files in Docker's container's
              writable snapshot, plus N/10 in image bench/big:1's layer (default 300000)
  --runs R    timed runs of each tool (default 5)
  --keep      keep the built trees (engine and containerd stopped) and print their paths
  --root DIR  benchmark an existing tree instead of building one (e.g. one kept earlier): with
              --store overlay2 (the default with --root) a Docker data root, with --store
              containerd a folder holding docker/ and root/; nothing under DIR is changed or removed
  -h, --help  show this help

Needs root (a private dockerd and containerd; their roots are root-only). Installs gdu, GNU time
and what the engines need with apt-get when they are missing. hyperfine, when installed, adds a
second opinion on wall times.
USAGE
}

files=300000
runs=5
keep=0
given_root=""
store=""

die() {
    echo "bench: $*" >&2
    exit 1
}
say() { echo "bench: $*"; }
need_value() { [[ $# -ge 2 && -n $2 ]] || { echo "bench: $1 needs a value" >&2; usage >&2; exit 64; }; }
positive() { [[ $2 =~ ^[1-9][0-9]*$ ]] || { echo "bench: $1 wants a positive whole number, not '$2'" >&2; exit 64; }; }

while [[ $# -gt 0 ]]; do
    case $1 in
    --files) need_value "$@"; positive "$1" "$2"; files=$2; shift 2 ;;
    --files=*) positive --files "${1#*=}"; files=${1#*=}; shift ;;
    --runs) need_value "$@"; positive "$1" "$2"; runs=$2; shift 2 ;;
    --runs=*) positive --runs "${1#*=}"; runs=${1#*=}; shift ;;
    --keep) keep=1; shift ;;
    --store) need_value "$@"; store=$2; shift 2 ;;
    --store=*) store=${1#*=}; shift ;;
    --root) need_value "$@"; given_root=$2; shift 2 ;;
    --root=*) given_root=${1#*=}; shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "bench: unknown option '$1'" >&2; usage >&2; exit 64 ;;
    esac
done

case ${store:-default} in
overlay2 | containerd | both | default) ;;
*) echo "bench: --store takes overlay2, containerd or both, not '$store'" >&2; exit 64 ;;
esac
if [[ -n $given_root ]]; then
    [[ $store != both ]] || { echo "bench: --root names one store's tree; give --store overlay2 or containerd" >&2; exit 64; }
    store=${store:-overlay2}
fi
store=${store:-both}
if [[ $store == both ]]; then stores=(overlay2 containerd); else stores=("$store"); fi
wants() { [[ " ${stores[*]} " == *" $1 "* ]]; }

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$script_dir/../.." && pwd)
engine=$repo/Tests/Engine/engine.sh
rig=$repo/Tests/Engine/containerd.sh

[[ $(id -u) -eq 0 ]] || die "run as root (it starts a private dockerd and containerd, and their roots are root-only)"
if [[ -n $given_root ]]; then
    [[ -d $given_root ]] || die "--root $given_root is not a directory"
    given_root=$(cd "$given_root" && pwd)
    if [[ $store == containerd ]]; then
        [[ -d $given_root/docker && -d $given_root/root ]] ||
            die "--store containerd --root $given_root: it holds no docker/ and root/ (a tree kept by --keep does)"
    fi
fi

# --- scratch folder and cleanup on every exit path ------------------------------------------------
# Short: the containerd rig's unix sockets live under it.
work=$(mktemp -d /tmp/dockdu-bench.XXXXXX)
c8d=$work/c8d
engine_started=0
rig_started=0
# A background step may be a pipeline (python3 | tar -x) whose processes outlive a killed subshell:
# end it and everything it started, each stopped first so it starts nothing new, children before
# their parent. Prints the PIDs it signalled.
end_tree() { # end_tree PID
    local child
    kill -STOP "$1" 2>/dev/null || return 0
    for child in $(ps -o pid= --ppid "$1"); do end_tree "$child"; done
    kill -TERM "$1" 2>/dev/null || true
    kill -CONT "$1" 2>/dev/null || true
    echo "$1"
}
alive() { # a zombie (ended, not yet reaped) is not alive
    kill -0 "$1" 2>/dev/null && [[ $(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) != Z ]]
}
cleanup() {
    local status=$? job pid _ ended=()
    trap - EXIT INT TERM
    for job in $(jobs -p); do
        # Word splitting is the point: one PID a line.
        # shellcheck disable=SC2207
        ended+=($(end_tree "$job"))
    done
    # Nothing may still be writing under $work when it is removed.
    for pid in "${ended[@]}"; do
        for _ in $(seq 100); do alive "$pid" || break; sleep 0.05; done
        if alive "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi
    done
    wait 2>/dev/null || true
    if ((engine_started)); then
        "$engine" stop "$work" >/dev/null || status=1
    fi
    # KEEP=1: the rig leaves its folder to us (removed below with the rest, or kept).
    if ((rig_started)); then
        KEEP=1 "$rig" stop "$c8d" >/dev/null || status=1
    fi
    if ((keep)) && [[ -z $given_root ]]; then
        [[ ! -d $work/root ]] || echo "bench: kept the overlay2 tree: data root $work/root"
        [[ ! -d $c8d/root ]] || echo "bench: kept the containerd tree: $c8d/docker and $c8d/root (again: --store containerd --root $c8d)"
        echo "bench: remove the kept trees with: rm -rf --one-file-system $work"
    elif grep -q " $work/" /proc/mounts; then
        echo "bench: something is still mounted under $work; not removing it" >&2
        status=1
    else
        rm -rf --one-file-system "$work"
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Bash runs a trap only when the foreground command ends; `wait` returns at once. The long build
# steps run through this, so that Ctrl-C or a kill cleans up in seconds, not minutes.
# (<&0: an asynchronous command's stdin would otherwise be /dev/null, not the caller's heredoc.)
interruptibly() { # interruptibly COMMAND...
    "$@" <&0 &
    wait "$!"
}

# --- prerequisites ----------------------------------------------------------------------------------
install_packages() {
    say "installing missing Debian packages: $*"
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >"$work/apt.log" 2>&1; then
        DEBIAN_FRONTEND=noninteractive apt-get update -q >>"$work/apt.log" 2>&1 || true
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >>"$work/apt.log" 2>&1 ||
            { tail -n 20 "$work/apt.log" >&2; die "apt-get install $* failed"; }
    fi
}
missing=()
command -v gdu >/dev/null || missing+=(gdu)
[[ -x /usr/bin/time ]] || missing+=(time)
if [[ -z $given_root ]]; then
    if wants overlay2; then
        command -v dockerd >/dev/null || missing+=(docker.io)
        command -v busybox >/dev/null || missing+=(busybox-static)
    fi
    if wants containerd; then
        command -v containerd >/dev/null && command -v ctr >/dev/null || missing+=(containerd)
        command -v runc >/dev/null || missing+=(runc)
        command -v jq >/dev/null || missing+=(jq)
        [[ -x /bin/busybox ]] || missing+=(busybox-static)
    fi
    command -v curl >/dev/null || missing+=(curl)
    command -v python3 >/dev/null || missing+=(python3)
fi
((${#missing[@]} == 0)) || install_packages "${missing[@]}"
if command -v hyperfine >/dev/null; then have_hyperfine=1; else have_hyperfine=0; fi

# Someone else's half-written source can break a build for a moment: retry a few times.
# The binary that ships (make build, the Debian package) carries its Swift runtime: measure that
# one, whose start-up is half a dynamic build's, which matters to the cached run.
say "building dockdu (release, static Swift runtime, scratch path .build-bench)"
built=0
for attempt in 1 2 3 4 5; do
    if (cd "$repo" && swift build -c release --static-swift-stdlib --scratch-path .build-bench) >"$work/build.log" 2>&1; then
        built=1
        break
    fi
    say "build attempt $attempt failed; retrying in 60s (last lines below)"
    tail -n 5 "$work/build.log" | sed 's/^/    /'
    sleep 60
done
((built)) || { tail -n 40 "$work/build.log" >&2; die "could not build dockdu"; }
dockdu=$repo/.build-bench/release/dockdu

# What this dockdu can do. Its layer cache (/var/cache/dockdu by default for root) would make
# every run after the first skip the committed layers: the comparison with du uses --no-cache,
# and the cached case is timed on its own with a private cache under the scratch folder, so the
# benchmark never reads or writes the system's cache.
report_help=$("$dockdu" report --help 2>&1 || true)
if grep -q -- '--no-cache' <<<"$report_help"; then no_cache=(--no-cache); else no_cache=(); fi
if grep -q -- '--cache DIR' <<<"$report_help"; then have_cache=1; else have_cache=0; fi
# Wasted bytes per image (`--wasted`): a second pass over the image layers, timed on its own.
if grep -q -- '--wasted' <<<"$report_help"; then have_wasted=1; else have_wasted=0; fi
if ((have_cache)) && ((${#no_cache[@]} == 0)); then
    die "this dockdu has --cache but no --no-cache: its full walk cannot be timed without a cache"
fi
# The one-worker run, only where dockdu has that knob.
if grep -q DOCKDU_WORKERS <<<"$report_help" || grep -rqs DOCKDU_WORKERS "$repo/Sources"; then
    have_workers_knob=1
else
    have_workers_knob=0
fi

step_started=0
step() {
    say "$(printf '%-52s' "$1")"
    step_started=$SECONDS
}
done_step() { say "  ... $((SECONDS - step_started))s"; }

# --- overlay2: a data root built with a real engine -----------------------------------------------
# Sets root and build_seconds[overlay2].
build_overlay2_tree() {
    local started=$SECONDS
    local rootfs=$work/base-rootfs busybox applet
    root=$work/root

    "$engine" start "$work" >/dev/null
    engine_started=1
    export DOCKER_HOST=unix://$work/docker.sock DOCKER_BUILDKIT=0 DOCKER_CONFIG=$work/client-config
    mkdir -p "$DOCKER_CONFIG"

    # The base layer's tar is kept as a file so that the big image below can name the very same
    # layer (same bytes, same diff ID, one shared layer on disk).
    step "base image from busybox-static"
    busybox=$(readlink -f "$(command -v busybox)")
    mkdir -p "$rootfs/bin" "$rootfs/tmp" "$rootfs/etc" "$rootfs/proc" "$rootfs/sys" "$rootfs/dev" "$work/image"
    cp "$busybox" "$rootfs/bin/busybox"
    for applet in $("$rootfs/bin/busybox" --list); do
        [[ $applet == busybox ]] || ln -s busybox "$rootfs/bin/$applet"
    done
    echo 'root:x:0:0:root:/root:/bin/sh' >"$rootfs/etc/passwd"
    chmod 1777 "$rootfs/tmp"
    tar -C "$rootfs" -c . >"$work/image/base.tar"
    docker import -c 'ENV PATH=/bin' -c 'CMD ["sh"]' "$work/image/base.tar" bench-base:latest >/dev/null
    done_step

    # Why `docker load` and not `COPY data /data` in a classic build: measured here with 300k
    # files, COPY from the build context took 647s (the daemon unpacks the context, checksums
    # every file of it, copies, commits: about four file creations per file, and its context
    # lookups grow faster than linearly), `ADD data.tar /` 180s (two creations), and `docker load`
    # of the same layer 58s (one). The layer that load makes is an ordinary overlay2 layer with its
    # layerdb entry, stacked on bench-base's layer; the child image below is a real build on it.
    step "big image: $files files in one layer (docker load)"
    interruptibly python3 "$script_dir/layer-tar.py" "$files" >"$work/image/data.tar"
    python3 - "$work/image" <<'PYTHON'
import hashlib, json, os, sys
folder = sys.argv[1]
def diff_id(name):
    digest = hashlib.sha256()
    with open(os.path.join(folder, name), "rb") as layer:
        for block in iter(lambda: layer.read(1 << 20), b""):
            digest.update(block)
    return "sha256:" + digest.hexdigest()
created = "2024-01-01T00:00:00Z"
config = {
    "architecture": "amd64", "os": "linux", "created": created,
    "config": {"Env": ["PATH=/bin"], "Cmd": ["sh"]},
    "rootfs": {"type": "layers", "diff_ids": [diff_id("base.tar"), diff_id("data.tar")]},
    "history": [{"created": created, "created_by": "bench.sh: busybox base"},
                {"created": created, "created_by": "bench.sh: layer-tar.py data/"}],
}
with open(os.path.join(folder, "config.json"), "w") as out:
    json.dump(config, out)
with open(os.path.join(folder, "manifest.json"), "w") as out:
    json.dump([{"Config": "config.json", "RepoTags": ["bench-big:latest"],
                "Layers": ["base.tar", "data.tar"]}], out)
PYTHON
    load_image() { tar -C "$work/image" -c manifest.json config.json base.tar data.tar | docker load --quiet >/dev/null; }
    interruptibly load_image
    rm -rf "$work/image"
    done_step

    # f?0.dat is one file in ten. Appending copies each one up whole into the new layer; rm
    # leaves whiteouts; ln copies the target up and links it.
    step "child image: rewrite 10%, delete some, hard-link some"
    # (The 28.x client's notice that the classic builder is deprecated goes to the log.)
    interruptibly docker build --quiet --network none -t bench-child:latest - >/dev/null 2>"$work/docker-build.log" <<'DOCKERFILE' ||
FROM bench-big:latest
RUN find /data -type f -name 'f?0.dat' | while read -r f; do echo rewritten >> "$f"; done \
 && rm -f /data/g*/s0/d1/f?5.dat \
 && for d in /data/g*/s*/d2; do ln "$d/f01.dat" "$d/f01.link"; done
CMD ["sh"]
DOCKERFILE
        { cat "$work/docker-build.log" >&2; die "docker build of bench-child failed"; }
    done_step

    step "containers writing into their layers and a volume"
    # Run by sh inside the containers, not here.
    # shellcheck disable=SC2016
    local fill='
        fill() { mkdir -p "$1"; i=0; while [ $i -lt "$2" ]; do
            echo "file $i of $1, some padding to make it a little longer than a line" >"$1/f$i"
            i=$((i + 1)); done; }
        links() { mkdir -p "$2"; i=0; while [ $i -lt "$3" ]; do ln "$1/f$i" "$2/l$i"; i=$((i + 1)); done; }'
    local idle='trap "exit 0" TERM; touch /tmp/ready; sleep 2147483647 & wait'
    local exited1 exited2 running waited=0
    exited1=$(docker run -d --network none --name bench-exited-1 bench-child:latest sh -c "$fill"'
        fill /scratch/a 3000; links /scratch/a /scratch/links 300
        for f in /data/g0/s1/d*/f1?.dat; do echo changed >>"$f"; done
        echo exited-1 done')
    exited2=$(docker run -d --network none --name bench-exited-2 -v bench-volume:/volume \
        bench-child:latest sh -c "$fill"'
        fill /volume/a 3000; links /volume/a /volume/links 200; fill /scratch/b 2000
        echo exited-2 done')
    running=$(docker run -d --network none --name bench-running bench-big:latest sh -c "$fill"'
        fill /scratch/c 3000; links /scratch/c /scratch/links 300; '"$idle")
    docker wait "$exited1" "$exited2" >/dev/null
    until docker exec "$running" test -e /tmp/ready 2>/dev/null; do
        ((waited < 600)) || die "container bench-running did not finish writing"
        sleep 0.1
        waited=$((waited + 1))
    done
    done_step

    step "stopping the engine so the tree is quiet"
    "$engine" stop "$work" >/dev/null
    engine_started=0
    done_step
    build_seconds[overlay2]=$((SECONDS - started))
    say "building the overlay2 tree took ${build_seconds[overlay2]}s"
}

# --- containerd: Docker 29's image store, built with a private containerd ------------------------
# The rig (Tests/Engine/containerd.sh) gives the store's real shapes, made by containerd itself:
# images unpacked into overlayfs snapshots, content blobs, leases, containerd's own containers,
# Docker's container layer (<id>-init committed, <id> active) and Docker's data root beside it.
# The bulk is added the way it grows on a host: files a container writes land in its writable
# snapshot's fs/, and a pulled image's layer is a blob in the content store plus its unpacked
# snapshot. Sets image_files and build_seconds[containerd].
build_containerd_tree() {
    local started=$SECONDS
    local ctr=(ctr --address "$c8d/c8d.sock" --namespace moby)
    local snapshots=$c8d/root/io.containerd.snapshotter.v1.overlayfs/snapshots
    image_files=$(((files + 9) / 10))

    step "containerd rig (Tests/Engine/containerd.sh start)"
    # Set first: a start that fails half way may leave containerd running; stop copes with none.
    rig_started=1
    interruptibly "$rig" start "$c8d" >"$work/rig-start.log" 2>&1 ||
        { tail -n 20 "$work/rig-start.log" >&2; die "the containerd rig did not start"; }
    done_step

    # The rig's oracle names Docker's container's snapshot key; containerd says where its fs is.
    step "$files files in Docker's container's writable snapshot"
    local key upper
    key=$(jq -er .docker.snapshotKey "$c8d/oracle.json") || die "the rig's oracle.json names no Docker container"
    upper=$("${ctr[@]}" snapshots mounts /x "$key" | grep -o 'upperdir=[^,]*' | cut -d= -f2)
    [[ $upper == "$snapshots"/*/fs && -d $upper ]] || die "no writable snapshot directory for Docker's container $key (got '$upper')"
    write_container_files() { python3 "$script_dir/layer-tar.py" "$files" 300 | tar -x -C "$upper"; }
    interruptibly write_container_files
    done_step

    step "image bench/big:1: $image_files files in its own layer (ctr images import)"
    local target
    target=$(jq -er '.images[] | select(.familiar == "rig/a:1") | .target' "$c8d/oracle.json") ||
        die "the rig's oracle.json has no image rig/a:1"
    mkdir -p "$work/oci"
    interruptibly python3 "$script_dir/layer-tar.py" "$image_files" >"$work/oci/data.tar"
    # An OCI layout: the rig's busybox base layer (the same blob, so one shared snapshot), then
    # the data layer gzipped (-1: its bytes are random, as compressed data is).
    python3 - "$work/oci" "$c8d/root/io.containerd.content.v1.content/blobs/sha256" "$target" <<'PYTHON'
import gzip, hashlib, json, os, shutil, sys
folder, content, target = sys.argv[1:4]
blobs = os.path.join(folder, "blobs", "sha256")
os.makedirs(blobs)
oci = "application/vnd.oci.image"
def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as data:
        for block in iter(lambda: data.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
def stored(digest):
    return os.path.join(content, digest.removeprefix("sha256:"))
def add_blob(path, media_type, copy=False):
    hexdigest = sha256_of(path)
    (shutil.copyfile if copy else shutil.move)(path, os.path.join(blobs, hexdigest))
    return {"mediaType": media_type, "digest": "sha256:" + hexdigest, "size": os.path.getsize(os.path.join(blobs, hexdigest))}
def add_document(document, media_type):
    path = os.path.join(folder, "document")
    with open(path, "w") as out:
        json.dump(document, out, separators=(",", ":"))
    return add_blob(path, media_type)
rig_manifest = json.load(open(stored(target)))
rig_config = json.load(open(stored(rig_manifest["config"]["digest"])))
base_layer = rig_manifest["layers"][0]
base = add_blob(stored(base_layer["digest"]), base_layer["mediaType"], copy=True)
plain = os.path.join(folder, "data.tar")
diff_id = "sha256:" + sha256_of(plain)
with open(plain, "rb") as data, open(plain + ".gz", "wb") as out:
    with gzip.GzipFile(filename="", mode="wb", compresslevel=1, fileobj=out, mtime=0) as packed:
        shutil.copyfileobj(data, packed, 1 << 20)
os.remove(plain)
layer = add_blob(plain + ".gz", oci + ".layer.v1.tar+gzip")
created = "2024-01-01T00:00:00Z"
config = add_document({
    "architecture": "amd64", "os": "linux", "created": created,
    "config": {"Env": ["PATH=/bin"], "Cmd": ["/bin/sh"]},
    "rootfs": {"type": "layers", "diff_ids": [rig_config["rootfs"]["diff_ids"][0], diff_id]},
    "history": [{"created": created, "created_by": "containerd.sh: busybox base"},
                {"created": created, "created_by": "bench.sh: layer-tar.py data/"}],
}, oci + ".config.v1+json")
manifest = add_document({"schemaVersion": 2, "mediaType": oci + ".manifest.v1+json", "config": config,
                         "layers": [base, layer]}, oci + ".manifest.v1+json")
manifest["platform"] = {"architecture": "amd64", "os": "linux"}
manifest["annotations"] = {"io.containerd.image.name": "docker.io/bench/big:1"}
with open(os.path.join(folder, "index.json"), "w") as out:
    json.dump({"schemaVersion": 2, "manifests": [manifest]}, out)
with open(os.path.join(folder, "oci-layout"), "w") as out:
    json.dump({"imageLayoutVersion": "1.0.0"}, out)
PYTHON
    tar -C "$work/oci" -cf "$work/big.tar" oci-layout index.json blobs
    rm -rf "$work/oci"
    interruptibly "${ctr[@]}" images import "$work/big.tar" >"$work/import.log" 2>&1 ||
        { cat "$work/import.log" >&2; die "ctr images import of bench/big:1 failed"; }
    rm -f "$work/big.tar"
    done_step

    step "stopping containerd so the tree is quiet"
    KEEP=1 "$rig" stop "$c8d" >/dev/null
    rig_started=0
    done_step
    build_seconds[containerd]=$((SECONDS - started))
    say "building the containerd tree took ${build_seconds[containerd]}s"
}

# --- measure -------------------------------------------------------------------------------------
# A command line as one string that eval reads back word for word (printf %q), so that a list of
# NAME=COMMAND strings can carry any command to the timing functions.
quoted() { printf '%q ' "$@"; }

# Filled by time_tools for the store being measured: the tools in order, their command lines
# (quoted), and their median wall seconds and peak RSS.
tools=()
declare -A tool_commands median_wall median_rss

# Wall time from bash's EPOCHREALTIME around /usr/bin/time (one fork and exec more than the tool
# itself, well under a millisecond); peak RSS and CPU seconds from GNU time (for sh running two
# gdu, the bigger child's RSS: the kernel carries a reaped child's peak up to its parent).
measure() { # measure NAME
    local start end status=0 rss user sys
    local -a cmdline
    eval "cmdline=(${tool_commands[$1]})"
    start=$EPOCHREALTIME
    /usr/bin/time -f '%M %U %S' -o "$work/time.out" "${cmdline[@]}" >/dev/null 2>"$work/stderr.out" || status=$?
    end=$EPOCHREALTIME
    if ((status != 0)); then
        echo "bench: $1 exited with status $status; its stderr:" >&2
        head -n 5 "$work/stderr.out" >&2
    fi
    # GNU time writes a "Command exited with non-zero status" line first then; the figures are last.
    read -r rss user sys < <(tail -n 1 "$work/time.out")
    awk -v s="$start" -v e="$end" -v r="$rss" -v u="$user" -v y="$sys" \
        'BEGIN { printf "%.4f %d %.2f\n", e - s, r, u + y }' >>"$work/samples.$1"
}

# The median, minimum and maximum of one column of a tool's samples (1 wall, 2 RSS, 3 CPU).
stats() { # stats TOOL COLUMN -> "median min max"
    cut -d' ' -f"$2" "$work/samples.$1" | sort -g |
        awk '{ v[NR] = $1 } END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; print m, v[1], v[NR] }'
}

# time_tools NAME=COMMAND...: one warm-up run of each command (COMMAND as quoted prints it), then
# $runs runs of them all, interleaved; fills tools, tool_commands and load_before.
time_tools() {
    local spec tool run
    tools=()
    tool_commands=()
    for spec; do
        tools+=("${spec%%=*}")
        tool_commands[${spec%%=*}]=${spec#*=}
    done
    load_before=$(cut -d" " -f1-3 /proc/loadavg)
    say "warm-up: one run of each of: ${tools[*]}"
    for tool in "${tools[@]}"; do
        rm -f "$work/samples.$tool"
        measure "$tool"
        rm -f "$work/samples.$tool"
    done
    say "timing: $runs runs of each, interleaved"
    for ((run = 1; run <= runs; run++)); do
        for tool in "${tools[@]}"; do measure "$tool"; done
    done
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
# What dockdu's full scan should cost next to du's, on either store (printed, not enforced: wall
# times on shared machines are noisy; the totals are what make the run fail).
ratio_target=0.55

# print_timings DESCRIPTION: the heading, the table of medians and the ratios; fills median_wall
# and median_rss.
print_timings() {
    local tool wall wall_min wall_max rss cpu du_ratio
    echo
    echo "dockdu benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $runs runs each after one warm-up, warm page cache"
    echo "load average before timing: $load_before (other work on this machine makes wall times noisy; compare the cpu column too)"
    echo "$1"
    echo "versions: $("$dockdu" --version 2>&1 | head -n 1), $(du --version | head -n 1), gdu $(gdu --version | awk '/Version/ { print $2 }')"
    echo
    printf '%-20s %12s %10s %10s %12s %14s\n' tool "median wall s" "min s" "max s" "median cpu s" "median RSS MiB"
    median_wall=()
    median_rss=()
    for tool in "${tools[@]}"; do
        read -r wall wall_min wall_max < <(stats "$tool" 1)
        read -r rss _ _ < <(stats "$tool" 2)
        read -r cpu _ _ < <(stats "$tool" 3)
        median_wall[$tool]=$wall
        median_rss[$tool]=$rss
        printf '%-20s %12.3f %10.3f %10.3f %12.2f %14.1f\n' "$tool" "$wall" "$wall_min" "$wall_max" "$cpu" "$(awk -v k="$rss" 'BEGIN { print k / 1024 }')"
    done
    ((have_cache)) || echo "(no cached run: this dockdu has no layer cache)"
    ((have_workers_knob)) || echo "(no one-worker run: this dockdu has no DOCKDU_WORKERS knob)"
    echo
    du_ratio=$(ratio "${median_wall[dockdu]}" "${median_wall[du]}")
    echo "wall time ratio dockdu/du:  $du_ratio ($(awk -v r="$du_ratio" -v t="$ratio_target" 'BEGIN { print r <= t ? "within" : "ABOVE" }') the $ratio_target target)"
    echo "wall time ratio dockdu/gdu: $(ratio "${median_wall[dockdu]}" "${median_wall[gdu]}")"
    ((have_workers_knob)) && echo "wall time ratio dockdu 1 worker/du: $(ratio "${median_wall[dockdu-1worker]}" "${median_wall[du]}")" \
        "($(nproc) workers' speed-up over 1: $(ratio "${median_wall[dockdu-1worker]}" "${median_wall[dockdu]}")x)"
    ((have_cache)) && echo "wall time ratio dockdu with a warm layer cache/du: $(ratio "${median_wall[dockdu-cached]}" "${median_wall[du]}")"
    ((have_cache)) && echo "dockdu with a warm layer cache costs $(awk -v a="${median_wall[dockdu-cached]}" -v b="${median_wall[dockdu]}" 'BEGIN { printf "%.1f%%", 100 * a / b }') of a full scan"
    ((have_wasted)) && echo "wasted bytes (--wasted) cost: full scan $(ratio "${median_wall[dockdu-wasted]}" "${median_wall[dockdu]}")x the plain one, peak RSS $(awk -v k="${median_rss[dockdu-wasted]}" 'BEGIN { printf "%.1f MiB", k / 1024 }')"
    ((have_wasted && have_cache)) && echo "wasted bytes with a warm layer cache: $(ratio "${median_wall[dockdu-wasted-cached]}" "${median_wall[dockdu-cached]}")x the plain cached run ($(ratio "${median_wall[dockdu-wasted-cached]}" "${median_wall[du]}") of du)"
    echo "dockdu peak RSS: $(awk -v k="${median_rss[dockdu]}" 'BEGIN { printf "%.1f MiB (%d KiB)", k / 1024, k }')"
}

hyperfine_opinion() {
    ((have_hyperfine)) || return 0
    local tool hyperfine_args=()
    echo
    echo "hyperfine, a second opinion on wall times (1 warm-up, $runs runs):"
    for tool in "${tools[@]}"; do hyperfine_args+=(-n "$tool" "${tool_commands[$tool]}"); done
    rm -f "$work/hyperfine.md"
    hyperfine --style none --shell=none --warmup 1 --runs "$runs" --export-markdown "$work/hyperfine.md" \
        "${hyperfine_args[@]}" >/dev/null 2>&1 || true
    if [[ -s $work/hyperfine.md ]]; then
        sed 's/`//g' "$work/hyperfine.md"
    else
        echo "(hyperfine failed)"
    fi
}

# --- what was measured ---------------------------------------------------------------------------
total_of() { python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["totalBytes"])' "$1" 2>/dev/null || echo "?"; }
mismatch=0
compare_total() { # compare_total LABEL TOTAL DU_TOTAL
    if [[ $2 == "$3" ]]; then
        echo "du -sx total $3 bytes, $1 totalBytes $2 bytes: MATCH"
    else
        echo "du -sx total $3 bytes, $1 totalBytes $2 bytes: MISMATCH" \
            "(dockdu - du = $(awk -v a="$2" -v b="$3" 'BEGIN { printf "%d", a - b }'))"
        mismatch=1
    fi
}

# check_tree STORE: the tree's size, per-path costs, and dockdu's totalBytes against du's total of
# the same roots (one du invocation, as timed; -c prints the total); sets mismatch when they differ.
check_tree() {
    local store=$1 entries inodes directories du_total dockdu_total gdu_total="" gdu_root dockdu_status=0 path
    local json=$work/report.$store.json
    echo
    entries=$(find "${roots[@]}" -xdev | wc -l)
    inodes=$(find "${roots[@]}" -xdev -printf '%D:%i\n' | sort -u | wc -l)
    directories=$(find "${roots[@]}" -xdev -type d | wc -l)
    echo "tree: $entries paths (find -xdev | wc -l), $inodes distinct inodes, $directories directories"
    du_total=$(du -sxc --block-size=1 "${roots[@]}" | tail -n 1 | cut -f1)
    "${report[@]}" "${no_cache[@]}" >"$json" 2>"$work/report.err" || dockdu_status=$?
    dockdu_total=$(total_of "$json")
    for path in "${roots[@]}"; do
        gdu_root=$(gdu -npsx --no-prefix "$path" 2>/dev/null | awk '{ print $1 }' || true)
        [[ $gdu_root =~ ^[0-9]+$ ]] && gdu_total=$((${gdu_total:-0} + gdu_root))
    done
    echo "per path, median wall: dockdu $(awk -v t="${median_wall[dockdu]}" -v n="$entries" 'BEGIN { printf "%.2f", t / n * 1e6 }') us," \
        "du $(awk -v t="${median_wall[du]}" -v n="$entries" 'BEGIN { printf "%.2f", t / n * 1e6 }') us," \
        "gdu $(awk -v t="${median_wall[gdu]}" -v n="$entries" 'BEGIN { printf "%.2f", t / n * 1e6 }') us"
    echo "gdu's total (not compared; it counts differently): ${gdu_total:-?} bytes"
    python3 - "$json" <<'PYTHON' || true
import json, sys
report = json.load(open(sys.argv[1]))
categories = ", ".join(f"{name} {size}" for name, size in report["categories"].items())
print(f"dockdu's categories (bytes): {categories}")
seen = ", ".join(f"{len(report[key])} {key}" for key in ("images", "layers", "blobs", "containers", "volumes", "warnings")
                 if isinstance(report.get(key), list))
print(f"dockdu saw {seen}")
for root in report.get("roots") or []:
    print(f"dockdu's root {root['name']} {root['path']}: {root['bytes']} bytes")
PYTHON
    if ((${#roots[@]} > 1)); then
        for path in "${roots[@]}"; do echo "du -sx of $path alone: $(du -sx --block-size=1 "$path" | cut -f1) bytes"; done
    fi
    ((dockdu_status == 0)) || echo "dockdu exited with status $dockdu_status: $(head -n 3 "$work/report.err")"
    compare_total dockdu "$dockdu_total" "$du_total"
    if ((have_cache)); then
        "${report[@]}" --cache "$work/layer-cache.$store" >"$work/report-cached.$store.json" 2>/dev/null || true
        compare_total "dockdu (warm layer cache)" "$(total_of "$work/report-cached.$store.json")" "$du_total"
    fi
}

# gdu takes one directory: a tree of two roots is one gdu per root, in turn.
gdu_command() { # gdu_command ROOT...
    if (($# == 1)); then
        quoted gdu -npsx "$1"
    else
        # Run by sh, not here.
        # shellcheck disable=SC2016
        quoted sh -c 'for root; do gdu -npsx "$root" || exit; done' sh "$@"
    fi
}

# bench_store STORE: times dockdu (dockdu: the full walk, no cache, to compare with du and gdu;
# dockdu-cached: a private layer cache, warm after the warm-up run; dockdu-1worker: the full walk
# on one thread; dockdu-wasted and dockdu-wasted-cached: the same with --wasted, the second pass
# finding each image's hidden bytes), du and gdu on the store's tree, prints the figures and checks
# the totals.
bench_store() {
    local store=$1 description commands
    case $store in
    overlay2)
        roots=("$root")
        report=("$dockdu" report --root "$root" --json)
        description="data root: $root"
        if [[ -n ${build_seconds[overlay2]:-} ]]; then
            description+=" (built in ${build_seconds[overlay2]}s with $files files in the big layer)"
        fi
        ;;
    containerd)
        roots=("$c8d_tree/docker" "$c8d_tree/root")
        report=("$dockdu" report --root "${roots[0]}" --containerd-root "${roots[1]}" --json)
        description="containerd image store: Docker data root ${roots[0]}, containerd root ${roots[1]}"
        if [[ -n ${build_seconds[containerd]:-} ]]; then
            description+=" (built in ${build_seconds[containerd]}s: $files files in Docker's container's writable snapshot, $image_files in image bench/big:1's layer)"
        fi
        description+=$'\n'"du: one invocation with both roots; gdu: one run per root, in turn"
        ;;
    esac
    commands=(
        "dockdu=$(quoted "${report[@]}" "${no_cache[@]}")"
        "du=$(quoted du -sx --block-size=1 "${roots[@]}")"
        "gdu=$(gdu_command "${roots[@]}")"
    )
    ((have_cache)) && commands+=("dockdu-cached=$(quoted "${report[@]}" --cache "$work/layer-cache.$store")")
    ((have_workers_knob)) && commands+=("dockdu-1worker=$(quoted env DOCKDU_WORKERS=1 "${report[@]}" "${no_cache[@]}")")
    ((have_wasted)) && commands+=("dockdu-wasted=$(quoted "${report[@]}" --wasted "${no_cache[@]}")")
    ((have_wasted && have_cache)) && commands+=("dockdu-wasted-cached=$(quoted "${report[@]}" --wasted --cache "$work/layer-cache-wasted.$store")")
    say "$store tree: ${roots[*]}"
    time_tools "${commands[@]}"
    print_timings "$description"
    hyperfine_opinion
    check_tree "$store"
}

# --- build, measure, check, one store after the other ----------------------------------------------
declare -A build_seconds=()
image_files=""
roots=()
report=()
for each in "${stores[@]}"; do
    case $each in
    overlay2) if [[ -n $given_root ]]; then root=$given_root; else build_overlay2_tree; fi ;;
    containerd) if [[ -n $given_root ]]; then c8d_tree=$given_root; else build_containerd_tree; c8d_tree=$c8d; fi ;;
    esac
    bench_store "$each"
done
((mismatch == 0)) || exit 1
