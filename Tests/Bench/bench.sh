#!/usr/bin/env bash
# dockdu's performance benchmark: how long `dockdu report` takes, and how much memory it needs,
# next to `du -sx` and `gdu` on the same Docker data root. It prints measured figures; it is not a
# test, except that dockdu's total must equal `du -sx --block-size=1` (exit 1 when it does not).
#
#   Tests/Bench/bench.sh [--files N] [--runs R] [--keep] [--root DIR]
#
# Without --root it builds a data root with a real, private engine (Tests/Engine/engine.sh) under
# mktemp -d /tmp/dockdu-bench.XXXXXX: a busybox base image, one image whose layer holds N small
# files (made by layer-tar.py, loaded with docker load), a child image built on it that rewrites a
# tenth of them and deletes some, containers that wrote a few thousand files into their layers and
# a volume, hard links throughout. It then stops the engine, so the tree is quiet, and times every
# tool on it with a warm page cache. Everything it made is removed on every exit path unless
# --keep is given.
set -euo pipefail

usage() {
    cat <<'USAGE'
usage: Tests/Bench/bench.sh [--files N] [--runs R] [--keep] [--root DIR]

Times `dockdu report --root ROOT --json --no-cache`, `du -sx --block-size=1 ROOT` and
`gdu -npsx ROOT` on one Docker data root with a warm page cache (one warm-up run each, then R
runs, interleaved), and prints median, min and max wall seconds and median peak RSS, dockdu's
ratios to du and gdu, the tree's size, and whether dockdu's totalBytes equals du's total (exit 1
if not). Where this dockdu has them, it also times dockdu with a warm layer cache (a private
--cache under the scratch folder; the system's /var/cache/dockdu is never touched) and with
DOCKDU_WORKERS=1.

  --files N   files in the big image's layer (default 300000)
  --runs R    timed runs of each tool (default 5)
  --keep      keep the built tree (engine stopped) and print its path
  --root DIR  benchmark an existing data root instead of building one (e.g. one kept earlier);
              nothing under DIR is changed or removed
  -h, --help  show this help

Needs root (a private dockerd; the data root is root-only). Installs gdu and GNU time with
apt-get when they are missing. hyperfine, when installed, adds a second opinion on wall times.
USAGE
}

files=300000
runs=5
keep=0
given_root=""

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
    --root) need_value "$@"; given_root=$2; shift 2 ;;
    --root=*) given_root=${1#*=}; shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "bench: unknown option '$1'" >&2; usage >&2; exit 64 ;;
    esac
done

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$script_dir/../.." && pwd)
engine=$repo/Tests/Engine/engine.sh

[[ $(id -u) -eq 0 ]] || die "run as root (it starts a private dockerd, and data roots are root-only)"
if [[ -n $given_root ]]; then
    [[ -d $given_root ]] || die "--root $given_root is not a directory"
    given_root=$(cd "$given_root" && pwd)
fi

# --- scratch folder and cleanup on every exit path ------------------------------------------------
work=$(mktemp -d /tmp/dockdu-bench.XXXXXX)
engine_started=0
cleanup() {
    local status=$? job
    trap - EXIT INT TERM
    for job in $(jobs -p); do kill "$job" 2>/dev/null || true; done
    if ((engine_started)); then
        "$engine" stop "$work" >/dev/null || status=1
    fi
    if ((keep)) && [[ -z $given_root ]]; then
        echo "bench: kept the tree: data root $work/root (remove with: rm -rf --one-file-system $work)"
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
    command -v dockerd >/dev/null || missing+=(docker.io)
    command -v busybox >/dev/null || missing+=(busybox-static)
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
if ((have_cache)) && ((${#no_cache[@]} == 0)); then
    die "this dockdu has --cache but no --no-cache: its full walk cannot be timed without a cache"
fi
# The one-worker run, only where dockdu has that knob.
if grep -q DOCKDU_WORKERS <<<"$report_help" || grep -rqs DOCKDU_WORKERS "$repo/Sources"; then
    have_workers_knob=1
else
    have_workers_knob=0
fi

# --- build a data root with a real engine ---------------------------------------------------------
build_tree() {
    local started=$SECONDS step_started
    local rootfs=$work/base-rootfs busybox applet
    step() {
        say "$(printf '%-52s' "$1")"
        step_started=$SECONDS
    }
    done_step() { say "  ... $((SECONDS - step_started))s"; }

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
    build_seconds=$((SECONDS - started))
    say "building the tree took ${build_seconds}s"
}

build_seconds=""
if [[ -n $given_root ]]; then
    root=$given_root
else
    root=$work/root
    build_tree
fi

# --- measure -------------------------------------------------------------------------------------
# dockdu: the full walk (no cache), to compare with du and gdu. dockdu-cached: a private layer
# cache, warm after the warm-up run. dockdu-1worker: the full walk on one thread.
tools=(dockdu du gdu)
((have_cache)) && tools+=(dockdu-cached)
((have_workers_knob)) && tools+=(dockdu-1worker)

tool_command() { # tool_command NAME: sets cmdline=(the tool's command line)
    case $1 in
    dockdu) cmdline=("$dockdu" report --root "$root" --json "${no_cache[@]}") ;;
    dockdu-cached) cmdline=("$dockdu" report --root "$root" --json --cache "$work/layer-cache") ;;
    dockdu-1worker) cmdline=(env DOCKDU_WORKERS=1 "$dockdu" report --root "$root" --json "${no_cache[@]}") ;;
    du) cmdline=(du -sx --block-size=1 "$root") ;;
    gdu) cmdline=(gdu -npsx "$root") ;;
    esac
}

# Wall time from bash's EPOCHREALTIME around /usr/bin/time (one fork and exec more than the tool
# itself, well under a millisecond); peak RSS and CPU seconds from GNU time.
measure() { # measure NAME
    local start end status=0 rss user sys cmdline
    tool_command "$1"
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

say "data root: $root"
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

# The median, minimum and maximum of one column of a tool's samples (1 wall, 2 RSS, 3 CPU).
stats() { # stats TOOL COLUMN -> "median min max"
    cut -d' ' -f"$2" "$work/samples.$1" | sort -g |
        awk '{ v[NR] = $1 } END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; print m, v[1], v[NR] }'
}

echo
echo "dockdu benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $runs runs each after one warm-up, warm page cache"
echo "load average before timing: $load_before (other work on this machine makes wall times noisy; compare the cpu column too)"
echo "data root: $root${build_seconds:+ (built in ${build_seconds}s with $files files in the big layer)}"
echo "versions: $("$dockdu" --version 2>&1 | head -n 1), $(du --version | head -n 1), gdu $(gdu --version | awk '/Version/ { print $2 }')"
echo
printf '%-16s %12s %10s %10s %12s %14s\n' tool "median wall s" "min s" "max s" "median cpu s" "median RSS MiB"
declare -A median_wall median_rss
for tool in "${tools[@]}"; do
    read -r wall wall_min wall_max < <(stats "$tool" 1)
    read -r rss _ _ < <(stats "$tool" 2)
    read -r cpu _ _ < <(stats "$tool" 3)
    median_wall[$tool]=$wall
    median_rss[$tool]=$rss
    printf '%-16s %12.3f %10.3f %10.3f %12.2f %14.1f\n' "$tool" "$wall" "$wall_min" "$wall_max" "$cpu" "$(awk -v k="$rss" 'BEGIN { print k / 1024 }')"
done
((have_cache)) || echo "(no cached run: this dockdu has no layer cache)"
((have_workers_knob)) || echo "(no one-worker run: this dockdu has no DOCKDU_WORKERS knob)"
echo
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
echo "wall time ratio dockdu/du:  $(ratio "${median_wall[dockdu]}" "${median_wall[du]}")"
echo "wall time ratio dockdu/gdu: $(ratio "${median_wall[dockdu]}" "${median_wall[gdu]}")"
((have_workers_knob)) && echo "wall time ratio dockdu 1 worker/du: $(ratio "${median_wall[dockdu-1worker]}" "${median_wall[du]}")" \
    "($(nproc) workers' speed-up over 1: $(ratio "${median_wall[dockdu-1worker]}" "${median_wall[dockdu]}")x)"
((have_cache)) && echo "wall time ratio dockdu with a warm layer cache/du: $(ratio "${median_wall[dockdu-cached]}" "${median_wall[du]}")"
((have_cache)) && echo "dockdu with a warm layer cache costs $(awk -v a="${median_wall[dockdu-cached]}" -v b="${median_wall[dockdu]}" 'BEGIN { printf "%.1f%%", 100 * a / b }') of a full scan"
echo "dockdu peak RSS: $(awk -v k="${median_rss[dockdu]}" 'BEGIN { printf "%.1f MiB (%d KiB)", k / 1024, k }')"

if ((have_hyperfine)); then
    echo
    echo "hyperfine, a second opinion on wall times (1 warm-up, $runs runs):"
    hyperfine_args=()
    for tool in "${tools[@]}"; do
        tool_command "$tool"
        hyperfine_args+=(-n "$tool" "$(printf '%q ' "${cmdline[@]}")")
    done
    hyperfine --style none --shell=none --warmup 1 --runs "$runs" --export-markdown "$work/hyperfine.md" \
        "${hyperfine_args[@]}" >/dev/null 2>&1 || true
    if [[ -s $work/hyperfine.md ]]; then
        sed 's/`//g' "$work/hyperfine.md"
    else
        echo "(hyperfine failed)"
    fi
fi

# --- what was measured ---------------------------------------------------------------------------
echo
entries=$(find "$root" -xdev | wc -l)
inodes=$(find "$root" -xdev -printf '%D:%i\n' | sort -u | wc -l)
directories=$(find "$root" -xdev -type d | wc -l)
echo "tree: $entries paths (find -xdev | wc -l), $inodes distinct inodes, $directories directories"
du_total=$(du -sx --block-size=1 "$root" | cut -f1)
dockdu_status=0
total_of() { python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["totalBytes"])' "$1" 2>/dev/null || echo "?"; }
"$dockdu" report --root "$root" --json "${no_cache[@]}" >"$work/report.json" 2>"$work/report.err" || dockdu_status=$?
dockdu_total=$(total_of "$work/report.json")
gdu_total=$(gdu -npsx --no-prefix "$root" 2>/dev/null | awk '{ print $1 }' || true)
echo "per path, median wall: dockdu $(awk -v t="${median_wall[dockdu]}" -v n="$entries" 'BEGIN { printf "%.2f", t / n * 1e6 }') us," \
    "du $(awk -v t="${median_wall[du]}" -v n="$entries" 'BEGIN { printf "%.2f", t / n * 1e6 }') us," \
    "gdu $(awk -v t="${median_wall[gdu]}" -v n="$entries" 'BEGIN { printf "%.2f", t / n * 1e6 }') us"
echo "gdu's total (not compared; it counts differently): ${gdu_total:-?} bytes"
python3 - "$work/report.json" <<'PYTHON' || true
import json, sys
report = json.load(open(sys.argv[1]))
categories = ", ".join(f"{name} {size}" for name, size in report["categories"].items())
print(f"dockdu's categories (bytes): {categories}")
print(f"dockdu saw {len(report['images'])} images, {len(report['layers'])} layers, "
      f"{len(report['containers'])} containers, {len(report['volumes'])} volumes, "
      f"{len(report['warnings'])} warnings")
PYTHON
((dockdu_status == 0)) || echo "dockdu exited with status $dockdu_status: $(head -n 3 "$work/report.err")"
mismatch=0
compare_total() { # compare_total LABEL TOTAL
    if [[ $2 == "$du_total" ]]; then
        echo "du -sx total $du_total bytes, $1 totalBytes $2 bytes: MATCH"
    else
        echo "du -sx total $du_total bytes, $1 totalBytes $2 bytes: MISMATCH" \
            "(dockdu - du = $(awk -v a="$2" -v b="$du_total" 'BEGIN { printf "%d", a - b }'))"
        mismatch=1
    fi
}
compare_total dockdu "$dockdu_total"
if ((have_cache)); then
    "$dockdu" report --root "$root" --json --cache "$work/layer-cache" >"$work/report-cached.json" 2>/dev/null || true
    compare_total "dockdu (warm layer cache)" "$(total_of "$work/report-cached.json")"
fi
((mismatch == 0)) || exit 1
