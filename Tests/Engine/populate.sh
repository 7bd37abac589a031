#!/usr/bin/env bash
# Fills a private engine (started by engine.sh start DIR) with a small but realistic tree:
# images that share layers, two tags on one image, dangling images (one still used by a
# container), classic-builder intermediates, containers in every state we can reach, rotated and compressed logs on two log drivers, named, anonymous and unused
# volumes, hard links, sparse files and a deep directory.
#
#   populate.sh DIR
#
# Everything is built locally (no registry, no network). When it returns the tree is quiet: every
# running container is idle. It writes DIR/facts.json, which the engine tests read to know which
# container and volume plays which part, and prints a summary.
set -euo pipefail

[[ $# -eq 1 ]] || { echo "usage: $0 DIR" >&2; exit 64; }
dir=${1%/}
case $dir in /*) ;; *) dir=$PWD/$dir ;; esac
export DOCKER_HOST=unix://$dir/docker.sock
export DOCKER_BUILDKIT=0
# The client must not read or write the invoking user's ~/.docker.
export DOCKER_CONFIG=$dir/client-config
mkdir -p "$DOCKER_CONFIG"

started=$SECONDS
say() { printf 'populate: %s\n' "$*"; }
fail() { printf 'populate: %s\n' "$*" >&2; exit 1; }

curl --silent --fail --unix-socket "$dir/docker.sock" http://localhost/_ping >/dev/null ||
    fail "no engine answers on $dir/docker.sock (run engine.sh start $dir first)"

busybox=$(command -v busybox || true)
[[ -n $busybox ]] || fail "busybox not found (apt-get install busybox-static)"
busybox=$(readlink -f "$busybox")
if command -v file >/dev/null && ! file "$busybox" | grep -q 'statically linked'; then
    fail "$busybox is not statically linked (apt-get install busybox-static)"
fi

ctx=$dir/build-contexts
rm -rf "$ctx"
mkdir -p "$ctx"

# --- base:latest: busybox and its applets, imported as one layer --------------------------------
say "importing base:latest from $busybox"
rootfs=$ctx/base-rootfs
mkdir -p "$rootfs/bin" "$rootfs/tmp" "$rootfs/etc" "$rootfs/proc" "$rootfs/sys" "$rootfs/dev"
cp "$busybox" "$rootfs/bin/busybox"
for applet in $("$rootfs/bin/busybox" --list); do
    [[ $applet == busybox ]] || ln -s busybox "$rootfs/bin/$applet"
done
echo 'root:x:0:0:root:/root:/bin/sh' >"$rootfs/etc/passwd"
echo 'root:x:0:' >"$rootfs/etc/group"
chmod 1777 "$rootfs/tmp"
tar -C "$rootfs" -c . | docker import -c 'ENV PATH=/bin' -c 'CMD ["sh"]' - base:latest >/dev/null

build() { # build TAG CONTEXT; its output only when it fails (newer clients also print a notice
    # that the classic builder is deprecated)
    if ! docker build --quiet --network none -t "$1" "$2" >"$ctx/build.log" 2>&1; then
        cat "$ctx/build.log" >&2
        fail "docker build -t $1 failed"
    fi
}

# --- app:1 FROM base: a few MB, hard links, a sparse file, a deep directory ---------------------
say "building app:1, app:2 (also app:latest), tools:latest and two dangling images"
mkdir -p "$ctx/app1"
cat >"$ctx/app1/Dockerfile" <<'DOCKERFILE'
FROM base:latest
RUN mkdir -p /opt/app && dd if=/dev/urandom of=/opt/app/blob bs=1024 count=3072 2>/dev/null \
 && ln /opt/app/blob /opt/app/blob.hardlink && ln /opt/app/blob /opt/app/blob.hardlink2
RUN truncate -s 6M /opt/app/sparse && echo tail >> /opt/app/sparse
RUN d=/opt/deep; for i in $(seq 1 60); do d=$d/level$i; done; mkdir -p $d && echo bottom > $d/file
CMD ["sh", "-c", "echo app1"]
DOCKERFILE
build app:1 "$ctx/app1"

# --- app:2 FROM app:1: one more layer, with a whiteout and an opaque directory ------------------
mkdir -p "$ctx/app2"
cat >"$ctx/app2/Dockerfile" <<'DOCKERFILE'
FROM app:1
RUN dd if=/dev/urandom of=/opt/app/blob2 bs=1024 count=2048 2>/dev/null && rm /opt/app/blob.hardlink2 \
 && rm -rf /opt/deep && mkdir -p /opt/deep && echo fresh > /opt/deep/file
LABEL stage=two
DOCKERFILE
build app:2 "$ctx/app2"

# --- tools:latest FROM base: COPY of a file, its own layers, a VOLUME -------------------------
mkdir -p "$ctx/tools"
head -c 1048576 /dev/urandom >"$ctx/tools/payload.bin"
printf '#!/bin/sh\necho tool\n' >"$ctx/tools/tool.sh"
cat >"$ctx/tools/Dockerfile" <<'DOCKERFILE'
FROM base:latest
COPY payload.bin /srv/payload.bin
COPY tool.sh /usr/local/bin/tool.sh
RUN chmod 755 /usr/local/bin/tool.sh && mkdir -p /data && dd if=/dev/urandom of=/data/seed bs=1024 count=256 2>/dev/null
VOLUME /data
CMD ["/usr/local/bin/tool.sh"]
DOCKERFILE
build tools:latest "$ctx/tools"

# A second tag on the same image.
docker tag app:2 app:latest

# --- dangling images: build a tag, then rebuild the same tag with other content, twice; a
# container created from the first version keeps that one in use --------------------------------
mkdir -p "$ctx/scratchpad"
for version in 1 2 3; do
    cat >"$ctx/scratchpad/Dockerfile" <<DOCKERFILE
FROM base:latest
RUN dd if=/dev/urandom of=/note bs=1024 count=$((version * 128)) 2>/dev/null && echo version $version >> /note
DOCKERFILE
    build scratchpad:latest "$ctx/scratchpad"
    if [[ $version == 1 ]]; then
        pinned=$(docker create --network none --name pinned scratchpad:latest cat /note)
    fi
done

# --- volumes -------------------------------------------------------------------------------------
say "creating volumes and containers"
docker volume create appdata >/dev/null
docker volume create unused >/dev/null
# Fill "unused" through a container that is removed at once, so no container refers to it.
docker run --rm --network none -v unused:/v base:latest sh -c '
    dd if=/dev/urandom of=/v/kept bs=1024 count=512 2>/dev/null
    ln /v/kept /v/kept.link
    truncate -s 64M /v/sparse' >/dev/null

# --- containers ----------------------------------------------------------------------------------
# Idle in a way that SIGTERM ends at once (a shell as PID 1 ignores SIGTERM by default, which
# would make every engine stop wait for the stop timeout).
idle='trap "exit 0" TERM; touch /tmp/ready; sleep 2147483647 & wait'

# running: writes into its layer (a hard link, a sparse file, whiteouts, an opaque directory, a
# FIFO, symlink loops, odd names), logs enough to rotate, then idles.
# A shareable IPC namespace gives it a tmpfs at containers/<id>/mounts/shm (with data in it),
# the other kind of mount inside the data root that a running engine has, besides merged/.
running=$(docker run -d --network none --name running --ipc shareable \
    --log-driver json-file --log-opt max-size=64k --log-opt max-file=3 \
    app:2 sh -c '
        dd if=/dev/zero of=/dev/shm/segment bs=1024 count=512 2>/dev/null
        mkdir -p /work/sub && dd if=/dev/urandom of=/work/data bs=1024 count=1024 2>/dev/null
        ln /work/data /work/sub/data.link
        truncate -s 256M /work/sparse && echo end >> /work/sparse
        rm /opt/app/blob.hardlink
        rm -rf /opt/deep/level1 && mkdir /opt/deep/level1 && echo opaque > /opt/deep/level1/new
        mkfifo /work/fifo && ln -s loop /work/loop && ln -s /nowhere /work/dangling
        printf x > "/work/new
line" && printf y > "/work/$(printf "\\033")[1mbold"
        i=0; while [ $i -lt 3000 ]; do echo "running line $i padding padding padding padding"; i=$((i+1)); done
        '"$idle")

# exited: writes files into its layer and into the named volume, logs enough to rotate with
# compression, and exits. The Dockerfile VOLUME /data gives it an anonymous volume.
exited=$(docker run -d --network none --name exited -v appdata:/appdata \
    --log-driver json-file --log-opt max-size=32k --log-opt max-file=4 --log-opt compress=true \
    tools:latest sh -c '
        dd if=/dev/urandom of=/appdata/payload bs=1024 count=768 2>/dev/null
        ln /appdata/payload /appdata/payload.link
        truncate -s 100M /appdata/sparse
        echo written > /data/marker
        mkdir -p /var/out && dd if=/dev/urandom of=/var/out/result bs=1024 count=300 2>/dev/null
        i=0; while [ $i -lt 4000 ]; do echo "exited line $i padding padding padding padding"; i=$((i+1)); done
        ')
docker wait "$exited" >/dev/null

# created: never started; -v /scratch makes an anonymous volume at create time.
created=$(docker create --network none --name created -v /scratch app:1 sh -c 'echo never')

# paused (or running when pausing is not possible here): the `local` log driver, rotating.
paused=$(docker run -d --network none --name paused \
    --log-driver local --log-opt max-size=64k --log-opt max-file=3 \
    base:latest sh -c '
        echo state > /state
        i=0; while [ $i -lt 6000 ]; do echo "paused line $i padding padding padding padding"; i=$((i+1)); done
        '"$idle")

wait_ready() { # the container finished its writes and idles
    local waited=0
    until docker exec "$1" test -e /tmp/ready 2>/dev/null; do
        ((waited < 100)) || fail "container $1 did not become idle"
        sleep 0.1
        waited=$((waited + 1))
    done
}
wait_ready "$running"
wait_ready "$paused"

paused_state=paused
if ! pause_error=$(docker pause "$paused" 2>&1); then
    paused_state=running
    say "NOTE: docker pause does not work here, the 'paused' container stays running: $pause_error"
fi

# --- wait until the tree is quiet (log copiers and compression finish asynchronously) ----------
say "waiting for the data root to be quiet"
fingerprint() {
    find "$dir/root" -xdev -printf '%s %T@ %C@ %p\n' 2>/dev/null | sort | md5sum
}
previous=$(fingerprint)
quiet=0
for _ in $(seq 1 30); do
    sleep 1
    current=$(fingerprint)
    if [[ $current == "$previous" ]]; then
        quiet=1
        break
    fi
    previous=$current
done
((quiet)) || fail "the data root did not become quiet within 30s"

# --- checks that populate did what it says ------------------------------------------------------
logs_dir=$dir/root/containers
ls "$logs_dir/$running/$running-json.log".* >/dev/null 2>&1 || fail "running's json-file log did not rotate"
ls "$logs_dir/$exited/$exited-json.log".*.gz >/dev/null 2>&1 || fail "exited's json-file log has no .gz"
ls "$logs_dir/$paused/local-logs/container.log".* >/dev/null 2>&1 || fail "paused's local log did not rotate"

anonymous_exited=$(docker inspect -f '{{range .Mounts}}{{if eq .Destination "/data"}}{{.Name}}{{end}}{{end}}' "$exited")
anonymous_created=$(docker inspect -f '{{range .Mounts}}{{if eq .Destination "/scratch"}}{{.Name}}{{end}}{{end}}' "$created")
[[ -n $anonymous_exited && -n $anonymous_created ]] || fail "anonymous volumes missing"
dangling=$(docker images --filter dangling=true --quiet --no-trunc | sort -u)
[[ $(wc -w <<<"$dangling") -eq 2 ]] || fail "expected two dangling images, got: $dangling"
pinned_image=$(docker inspect -f '{{.Image}}' "$pinned")
grep -qx "$pinned_image" <<<"$dangling" || fail "the pinned container's image $pinned_image is not dangling"
unused_dangling=$(grep -vx "$pinned_image" <<<"$dangling")

jq -n \
    --arg running "$running" --arg exited "$exited" --arg created "$created" --arg paused "$paused" \
    --arg pausedState "$paused_state" \
    --arg anonExited "$anonymous_exited" --arg anonCreated "$anonymous_created" \
    --arg dangling "$unused_dangling" --arg pinned "$pinned" --arg pinnedImage "$pinned_image" \
    '{
        containers: {running: $running, exited: $exited, created: $created, paused: $paused},
        pausedState: $pausedState,
        volumes: {named: ["appdata", "unused"], used: "appdata", unused: "unused",
                  anonymous: [$anonExited, $anonCreated]},
        danglingImage: $dangling,
        pinned: {container: $pinned, image: $pinnedImage},
        tags: ["app:1", "app:2", "app:latest", "base:latest", "scratchpad:latest", "tools:latest"]
    }' >"$dir/facts.json"

# --- summary ------------------------------------------------------------------------------------
echo
docker images --all --format 'table {{.Repository}}:{{.Tag}}\t{{.ID}}\t{{.Size}}'
echo
docker ps --all --size --format 'table {{.Names}}\t{{.Status}}\t{{.Size}}'
echo
docker volume ls --format 'table {{.Name}}\t{{.Driver}}'
echo
docker system df
echo
say "data root $dir/root: $(du -sx --block-size=1 "$dir/root" | cut -f1) bytes on disk," \
    "$(find "$dir/root" -xdev | wc -l) paths; paused container: $paused_state;" \
    "done in $((SECONDS - started))s"
