#!/usr/bin/env bash
# A private Docker engine that lives entirely under one folder, for dockdu's real-engine tests.
#
#   engine.sh start DIR   start dockerd with data root DIR/root, wait until it answers _ping
#   engine.sh stop DIR    stop it, wait, unmount whatever is left under DIR (idempotent)
#   engine.sh env DIR     print the export line that points a docker client at it
#
# It never touches the system's /var/lib/docker or /run/docker.sock: every path it gives dockerd
# is under DIR. Unix socket paths are limited to 108 bytes, so DIR should be short
# (mktemp -d /tmp/dockdu-engine.XXXXXX is).
set -euo pipefail

usage() {
    echo "usage: $0 start|stop|env DIR" >&2
    exit 64
}

[[ $# -eq 2 ]] || usage
command=$1
dir=$2
[[ -n $dir ]] || usage
case $dir in /*) ;; *) dir=$PWD/$dir ;; esac
dir=${dir%/}

socket=$dir/docker.sock
pidfile=$dir/dockerd.pid
log=$dir/dockerd.log

# Seconds to wait for _ping after start, and for dockerd to exit after SIGTERM (it stops running
# containers first, each within its stop timeout).
start_timeout=${DOCKDU_ENGINE_START_TIMEOUT:-30}
stop_timeout=${DOCKDU_ENGINE_STOP_TIMEOUT:-60}

ping() {
    curl --silent --fail --max-time 2 --unix-socket "$socket" http://localhost/_ping >/dev/null 2>&1
}

alive() {
    [[ -n ${1:-} ]] && kill -0 "$1" 2>/dev/null
}

# Mount points under DIR, deepest first. /proc/mounts escapes a space as \040; our paths have none.
mounts_under_dir() {
    awk -v prefix="$dir/" 'index($2, prefix) == 1 { print length($2) " " $2 }' /proc/mounts |
        sort -rn | cut -d' ' -f2-
}

start() {
    if [[ ${#socket} -ge 100 ]]; then
        echo "engine.sh: socket path $socket is ${#socket} bytes; unix sockets allow 108 (with" \
            "containerd's own sockets under it, keep DIR short, e.g. mktemp -d /tmp/dockdu-engine.XXXXXX)" >&2
        exit 1
    fi
    if [[ -f $pidfile ]] && alive "$(cat "$pidfile")"; then
        echo "engine.sh: an engine is already running under $dir (pid $(cat "$pidfile"))" >&2
        exit 1
    fi
    mkdir -p "$dir/root" "$dir/exec"
    : >"$log"
    # Its own session: the engine and its containerd are one process group that stop can end,
    # and a terminal's signals do not reach them.
    setsid dockerd \
        --data-root "$dir/root" \
        --exec-root "$dir/exec" \
        --pidfile "$pidfile" \
        --host "unix://$socket" \
        --storage-driver overlay2 \
        --iptables=false --ip6tables=false --bridge=none \
        </dev/null >>"$log" 2>&1 &
    local pid=$! waited=0
    echo "$pid" >"$dir/dockerd.launcher-pid"
    until ping; do
        if ! alive "$pid"; then
            echo "engine.sh: dockerd exited during start-up; last lines of $log:" >&2
            tail -n 30 "$log" >&2
            exit 1
        fi
        if ((waited >= start_timeout * 10)); then
            echo "engine.sh: dockerd did not answer _ping on $socket within ${start_timeout}s;" \
                "last lines of $log:" >&2
            tail -n 30 "$log" >&2
            stop
            exit 1
        fi
        sleep 0.1
        waited=$((waited + 1))
    done
    echo "engine.sh: dockerd $pid is up on $socket (data root $dir/root)"
}

# Processes whose command line names DIR: the engine, its containerd, the containerd shims (which
# leave the engine's session), by name and by command line. Used only to end leftovers of our own engine, by pid.
pids_naming_dir() {
    local p cmd comm
    for p in /proc/[0-9]*; do
        comm=$(cat "$p/comm" 2>/dev/null) || continue
        case $comm in dockerd | containerd | containerd-shim* | runc) ;; *) continue ;; esac
        cmd=$(tr '\0' ' ' <"$p/cmdline" 2>/dev/null) || continue
        case $cmd in *"$dir/"*) echo "${p#/proc/}" ;; esac
    done
}

# A shim's -id argument: the container it runs.
shim_container_id() {
    tr '\0' '\n' <"/proc/$1/cmdline" 2>/dev/null | awk 'previous == "-id" { print; exit } { previous = $0 }'
}

# Lets a paused container's processes run again, so that a KILL can end them (cgroup v1 freezer,
# or cgroup v2's cgroup.freeze, wherever the hierarchy is mounted).
thaw() {
    local pid=$1 path base
    path=$(awk -F: '$2 == "freezer" { print $3 }' "/proc/$pid/cgroup" 2>/dev/null || true)
    if [[ -n $path && -w /sys/fs/cgroup/freezer$path/freezer.state ]]; then
        echo THAWED >"/sys/fs/cgroup/freezer$path/freezer.state" 2>/dev/null || true
    fi
    path=$(awk -F: '$1 == "0" { print $3 }' "/proc/$pid/cgroup" 2>/dev/null || true)
    for base in /sys/fs/cgroup /sys/fs/cgroup/unified; do
        if [[ -n $path && -w $base$path/cgroup.freeze ]]; then
            echo 0 >"$base$path/cgroup.freeze" 2>/dev/null || true
        fi
    done
}

# Ends what is left of our engine when it did not stop by itself: each container's processes
# (a shim's children; they would outlive their shim), then the shims and daemons, by pid.
end_leftovers() {
    local leftovers pid child comm ids=()
    leftovers=$(pids_naming_dir | grep -vx "$$" || true)
    [[ -n $leftovers ]] || return 0
    echo "engine.sh: ending leftover processes of this engine: $(echo $leftovers)" >&2
    for pid in $leftovers; do
        comm=$(cat "/proc/$pid/comm" 2>/dev/null || true)
        [[ $comm == containerd-shim* ]] || continue
        ids+=("$(shim_container_id "$pid")")
        for child in $(ps -o pid= --ppid "$pid" 2>/dev/null); do
            kill -KILL "$child" 2>/dev/null || true
            thaw "$child"
        done
    done
    kill -KILL $leftovers 2>/dev/null || true
    sleep 0.5
    # Their cgroups are empty now; remove them as the engine would have.
    local id group
    for id in "${ids[@]}"; do
        [[ $id =~ ^[0-9a-f]{64}$ ]] || continue
        for group in /sys/fs/cgroup/*/docker/"$id" /sys/fs/cgroup/docker/"$id"; do
            [[ -d $group ]] && rmdir "$group" 2>/dev/null || true
        done
    done
}

stop() {
    local pid="" waited=0
    [[ -f $pidfile ]] && pid=$(cat "$pidfile" 2>/dev/null || true)
    [[ -z $pid && -f $dir/dockerd.launcher-pid ]] && pid=$(cat "$dir/dockerd.launcher-pid")
    if alive "$pid"; then
        kill -TERM "$pid" 2>/dev/null || true
        while alive "$pid" && ((waited < stop_timeout * 10)); do
            sleep 0.1
            waited=$((waited + 1))
        done
        if alive "$pid"; then
            echo "engine.sh: dockerd $pid still running after ${stop_timeout}s; killing its session" >&2
            kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
            sleep 0.5
        fi
    fi
    # Leftovers (the shims of containers that were not stopped, a containerd after a KILL).
    end_leftovers
    local mountpoint
    while IFS= read -r mountpoint; do
        [[ -n $mountpoint ]] || continue
        umount -l "$mountpoint" 2>/dev/null || umount -l "$(printf '%b' "$mountpoint")" 2>/dev/null ||
            echo "engine.sh: could not unmount $mountpoint" >&2
    done < <(mounts_under_dir)
    rm -f "$pidfile" "$dir/dockerd.launcher-pid"
    if [[ -n $(mounts_under_dir) ]]; then
        echo "engine.sh: still mounted under $dir:" >&2
        mounts_under_dir >&2
        exit 1
    fi
}

case $command in
start) start ;;
stop) stop ;;
env) echo "export DOCKER_HOST=unix://$socket" ;;
*) usage ;;
esac
