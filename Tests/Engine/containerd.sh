#!/usr/bin/env bash
# A private containerd (the image store of Docker 29 and later) that lives entirely under one
# folder, with a Docker 29 data root beside it: to record real meta.db / metadata.db fixtures for
# dockdu's containerd store, and for the engine tests' containerd phase to hold dockdu to.
#
#   containerd.sh start DIR          build two OCI images, start containerd with its root under
#                                    DIR/root, give it the shapes dockdu must read (below), make
#                                    DIR/docker and write DIR/oracle.json
#   containerd.sh oracle DIR         write DIR/oracle.json again (waits until containerd is idle)
#   containerd.sh record DIR OUT     copy its two bolt files into OUT (while it runs and holds
#                                    their locks, as dockdu will) with ctr's own listings beside them
#   containerd.sh stop DIR           stop it by PID, remove its cgroup, then DIR unless KEEP=1
#
# What start makes, in namespace moby:
#   - images docker.io/rig/a:1 (its target a manifest) and docker.io/rig/b:1 (its target an index
#     of one manifest, as a pulled multi-platform image is), sharing a busybox base layer
#     (imported from an OCI layout tar built with tar, gzip -n and sha256sum: no registry needed);
#   - rig-a: a container with a running task that wrote /hello.txt and /zero.bin (256 KiB);
#   - rig-b: a created container, never started, with 100000 bytes written into its snapshot
#     from outside;
#   - a Docker-style container layer, as moby's daemon/containerd/image_snapshot.go makes it: a
#     non-expiring lease named after the container ID, and under that lease (the containerd-lease
#     gRPC header, which ctr 1.6 cannot send, so curl speaks gRPC) <id>-init-key prepared on
#     image a, the init files written, committed as <id>-init, then <id> prepared on it;
#   - an unpack left in progress: a snapshot under the unpacker's key shape "extract-<u> <chain>";
#   - a partial download: an ingest of 1 MiB of an expected 4000000 bytes.
# rig-a and rig-b are containerd's containers only; Docker knows one container, the <id> above.
#
# DIR/docker is what Docker 29 keeps under /var/lib/docker with that store: containers/<id>/
# (config.v2.json naming image a's target digest, driver overlayfs and volume rigvol;
# hostconfig.json with json-file logging; a 300-line <id>-json.log) and volumes/rigvol/_data/; no
# image/ and no overlay2/. (No volumes/metadata.db: a BoltDB file the rig has no writer for; moby
# creates it, readers must do without it.)
#
# DIR/oracle.json holds containerd's own answers, taken while it runs and after its databases
# have stopped changing: every snapshot (key, kind, parent, labels, its snapshots/<n> directory,
# `ctr snapshots usage` bytes and inodes, du of <n>/fs and of <n>), every blob file (digest, exact
# size, du, whether `ctr content ls` lists it), every image (name, target, config, the blobs it
# references, diffIDs, chain IDs), ingests, leases, containerd's containers, the Docker container
# (ID, snapshot keys, log size and du, its volume's du), and du -sx of both roots.
#
# It never touches the host's containerd: its own root, state, sockets and config file; inside
# `unshare --mount` with a tmpfs over /run/containerd (containerd 1.6 keeps shim sockets and runc
# state there whatever its config says); ctr run --null-io (no FIFOs) in a private cgroup.
# Unix socket paths are limited to 108 bytes, so DIR should be short (mktemp -d /tmp/c8d.XXXXXX).
set -euo pipefail

usage() {
    echo "usage: $0 start DIR | oracle DIR | record DIR OUT | stop DIR" >&2
    exit 64
}

[[ $# -ge 2 ]] || usage
command=$1
dir=$2
case $dir in /*) ;; *) dir=$PWD/$dir ;; esac
dir=${dir%/}

root=$dir/root
sock=$dir/c8d.sock
pidfile=$dir/containerd.pid
overlay=$root/io.containerd.snapshotter.v1.overlayfs
content=$root/io.containerd.content.v1.content
meta=$root/io.containerd.metadata.v1.bolt/meta.db
cgroup=dockdu-c8d-$(basename "$dir")
ctr=(ctr --address "$sock" --namespace moby)

die() {
    echo "containerd.sh: $*" >&2
    exit 1
}

alive() { # a zombie (killed, not yet reaped by whoever inherited it) is not alive
    [[ -n ${1:-} ]] && kill -0 "$1" 2>/dev/null && [[ $(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) != Z ]]
}

need_tools() {
    if ! command -v containerd >/dev/null || ! command -v runc >/dev/null || [[ ! -x /bin/busybox ]]; then
        apt-get update -qq && apt-get install -y -qq containerd runc busybox-static >/dev/null
    fi
}

# --- OCI images, built by hand -------------------------------------------------------------------

blob() { # file -> moves it to the layout under its digest, prints the hex
    local hex
    hex=$(sha256sum "$1" | cut -d' ' -f1)
    mv "$1" "$dir/oci/blobs/sha256/$hex"
    echo "$hex"
}

layer() { # folder -> "diffID-hex digest-hex gzip-size"
    tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$1" -cf "$dir/l.tar" .
    local diff size
    diff=$(sha256sum "$dir/l.tar" | cut -d' ' -f1)
    gzip -n -9 "$dir/l.tar"
    size=$(stat -c %s "$dir/l.tar.gz")
    echo "$diff $(blob "$dir/l.tar.gz") $size"
}

image() { # name diffID digest-hex size [index]: its config and manifest, the manifest wrapped in an
    # index when asked (as a pulled multi-platform image is), and its entry in index.json
    local m=application/vnd.oci.image
    printf '{"architecture":"amd64","os":"linux","config":{"Cmd":["/bin/sh"]},"rootfs":{"type":"layers","diff_ids":["sha256:%s","sha256:%s"]}}' \
        "$base_diff" "$2" >"$dir/config"
    local config_size config_hex manifest_size manifest_hex
    config_size=$(stat -c %s "$dir/config")
    config_hex=$(blob "$dir/config")
    printf '{"schemaVersion":2,"mediaType":"%s.manifest.v1+json","config":{"mediaType":"%s.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"%s.layer.v1.tar+gzip","digest":"sha256:%s","size":%s},{"mediaType":"%s.layer.v1.tar+gzip","digest":"sha256:%s","size":%s}]}' \
        "$m" "$m" "$config_hex" "$config_size" "$m" "$base_digest" "$base_size" "$m" "$3" "$4" >"$dir/manifest"
    manifest_size=$(stat -c %s "$dir/manifest")
    manifest_hex=$(blob "$dir/manifest")
    local platform='"platform":{"architecture":"amd64","os":"linux"},'
    local target_type=$m.manifest.v1+json target_hex=$manifest_hex target_size=$manifest_size
    if [[ ${5:-} == index ]]; then
        printf '{"schemaVersion":2,"mediaType":"%s.index.v1+json","manifests":[{"mediaType":"%s.manifest.v1+json","digest":"sha256:%s","size":%s,%s}]}' \
            "$m" "$m" "$manifest_hex" "$manifest_size" "${platform%,}" >"$dir/index-blob"
        target_type=$m.index.v1+json
        target_size=$(stat -c %s "$dir/index-blob")
        target_hex=$(blob "$dir/index-blob")
        platform=
    fi
    printf '{"mediaType":"%s","digest":"sha256:%s","size":%s,%s"annotations":{"io.containerd.image.name":"docker.io/rig/%s:1"}}\n' \
        "$target_type" "$target_hex" "$target_size" "$platform" "$1" >>"$dir/index-entries"
}

build_images() {
    mkdir -p "$dir"/oci/blobs/sha256 "$dir"/w/base/bin "$dir"/w/a/etc "$dir"/w/b/data
    cp /bin/busybox "$dir/w/base/bin/"
    local applet
    for applet in sh echo ls dd sleep; do ln -s busybox "$dir/w/base/bin/$applet"; done
    echo "image a" >"$dir/w/a/etc/rig-a.txt"
    dd if=/bin/busybox of="$dir/w/b/data/b.bin" bs=1k count=256 status=none
    read -r base_diff base_digest base_size < <(layer "$dir/w/base")
    local a_diff a_digest a_size b_diff b_digest b_size
    read -r a_diff a_digest a_size < <(layer "$dir/w/a")
    read -r b_diff b_digest b_size < <(layer "$dir/w/b")
    image a "$a_diff" "$a_digest" "$a_size"
    image b "$b_diff" "$b_digest" "$b_size" index
    printf '{"imageLayoutVersion":"1.0.0"}' >"$dir/oci/oci-layout"
    printf '{"schemaVersion":2,"manifests":[%s]}' "$(paste -sd, "$dir/index-entries")" >"$dir/oci/index.json"
    tar -C "$dir/oci" -cf "$dir/images.tar" oci-layout index.json blobs
    # Chain IDs: chain(L0) = diffID(L0); chain(L0..n) = sha256(chain(L0..n-1) + " " + diffID(Ln)).
    base_chain=sha256:$base_diff
    chain_a=sha256:$(printf 'sha256:%s sha256:%s' "$base_diff" "$a_diff" | sha256sum | cut -d' ' -f1)
}

# --- gRPC by curl, for what ctr 1.6 cannot say ---------------------------------------------------

field() { # number string -> one protobuf length-delimited field (strings here are < 128 bytes)
    local length=${#2}
    ((length < 128)) || die "field $1: '$2' is too long for a one-byte length"
    printf "\\x$(printf %02x $(($1 << 3 | 2)))\\x$(printf %02x "$length")%s" "$2"
}

grpc() { # method lease message-file: calls containerd, fails unless grpc-status is 0
    local length
    length=$(stat -c %s "$3")
    {
        printf '\x00'
        printf "\\x$(printf %02x $((length >> 24 & 255)))\\x$(printf %02x $((length >> 16 & 255)))"
        printf "\\x$(printf %02x $((length >> 8 & 255)))\\x$(printf %02x $((length & 255)))"
        cat "$3"
    } >"$3.framed"
    curl --silent --show-error --http2-prior-knowledge --unix-socket "$sock" --max-time 10 \
        -H 'content-type: application/grpc' -H 'te: trailers' -H 'containerd-namespace: moby' \
        -H "containerd-lease: $2" --data-binary @"$3.framed" -D "$3.headers" -o "$3.reply" \
        "http://localhost/$1"
    grep -qi '^grpc-status: 0' "$3.headers" || die "$1 failed: $(tr -d '\r' <"$3.headers" | grep -i grpc-)"
}

prepare_under_lease() { # lease key parent
    { field 1 overlayfs; field 2 "$2"; field 3 "$3"; } >"$dir/request"
    grpc containerd.services.snapshots.v1.Snapshots/Prepare "$1" "$dir/request"
}

commit_under_lease() { # lease name key
    { field 1 overlayfs; field 2 "$2"; field 3 "$3"; } >"$dir/request"
    grpc containerd.services.snapshots.v1.Snapshots/Commit "$1" "$dir/request"
}

upperdir() { "${ctr[@]}" snapshots mounts /x "$1" | grep -o 'upperdir=[^,]*' | cut -d= -f2; }

# --- Docker 29's own data root, beside containerd's -----------------------------------------------

# What Docker 29 keeps under /var/lib/docker with the containerd image store: containers/ and
# volumes/ only (images and layers are containerd's); no image/overlay2/ and no overlay2/, which
# is how a reader tells the store apart. One stopped container, made the way moby writes it, whose
# writable layer is the rig's <id> snapshot (Docker's snapshot key is the container ID).
docker_root() {
    local docker=$dir/docker
    [[ ! -e $docker ]] || die "$docker already exists"
    local id target manifest_type manifest_size
    id=$(container_id)
    target=$(image_target docker.io/rig/a:1)
    [[ $target == sha256:* ]] || die "no target digest for docker.io/rig/a:1"
    manifest_type=$("${ctr[@]}" content get "$target" | jq -r .mediaType)
    manifest_size=$(stat -c %s "$content/blobs/sha256/${target#sha256:}")
    local container=$docker/containers/$id
    mkdir -p "$container/checkpoints" "$container/mounts" "$docker/volumes/rigvol/_data"
    chmod 701 "$docker" "$docker/containers" "$docker/volumes"
    local created started finished now
    now=$(date +%s)
    created=$(date -u -d "@$((now - 600))" +%Y-%m-%dT%H:%M:%S.%NZ)
    started=$(date -u -d "@$((now - 590))" +%Y-%m-%dT%H:%M:%S.%NZ)
    finished=$(date -u -d "@$((now - 60))" +%Y-%m-%dT%H:%M:%S.%NZ)
    jq -n --arg id "$id" --arg image "$target" --arg created "$created" --arg started "$started" \
        --arg finished "$finished" --arg log "$container/$id-json.log" --arg volume "$docker/volumes/rigvol/_data" \
        --arg manifestType "$manifest_type" --argjson manifestSize "$manifest_size" '{
        StreamConfig: {}, State: {Running: false, Paused: false, Restarting: false, OOMKilled: false,
            RemovalInProgress: false, Dead: false, Pid: 0, ExitCode: 0, Error: "", StartedAt: $started,
            FinishedAt: $finished, Health: null},
        ID: $id, Created: $created, Managed: false, Path: "/bin/sh", Args: ["-c", "echo rig"],
        Config: {Hostname: $id[0:12], Image: "rig/a:1", Cmd: ["/bin/sh", "-c", "echo rig"],
            Volumes: {"/data": {}}, Labels: {}},
        Image: $image, ImageManifest: {mediaType: $manifestType, digest: $image, size: $manifestSize,
            platform: {architecture: "amd64", os: "linux"}},
        NetworkSettings: {}, LogPath: $log, Name: "/rig-docker", Driver: "overlayfs", OS: "linux",
        RestartCount: 0, HasBeenStartedBefore: true, HasBeenManuallyStopped: false,
        MountPoints: {"/data": {Source: $volume, Destination: "/data", RW: true, Name: "rigvol",
            Driver: "local", Type: "volume", Relabel: "", Spec: {Type: "volume", Source: "rigvol",
            Target: "/data"}, SkipMountpointCreation: false}}}' >"$container/config.v2.json"
    printf '{"LogConfig":{"Type":"json-file","Config":{}},"NetworkMode":"none","RestartPolicy":{"Name":"no","MaximumRetryCount":0}}\n' \
        >"$container/hostconfig.json"
    local line
    for line in $(seq 300); do
        printf '{"log":"rig line %s\\n","stream":"stdout","time":"%s"}\n' "$line" "$started"
    done >"$container/$id-json.log"
    echo "${id:0:12}" >"$container/hostname"
    printf '127.0.0.1\tlocalhost\n' >"$container/hosts"
    : >"$container/resolv.conf"
    head -c 50000 /dev/zero >"$docker/volumes/rigvol/_data/rig.bin"
    echo "the rig's volume" >"$docker/volumes/rigvol/_data/README"
}

# --- the oracle: containerd's own answers, while it runs ------------------------------------------

container_id() { printf dockdu-rig | sha256sum | cut -d' ' -f1; }

image_target() { "${ctr[@]}" images ls | awk -v name="$1" 'NR > 1 && $1 == name { print $3 }'; }

du_bytes() { du -sx --block-size=1 -- "$1" | cut -f1; }

snapshot_keys() { # one key a line (keys may hold spaces: the unpacker's "extract-<u> <chain>")
    "${ctr[@]}" snapshots usage --b | sed -E '1d; s/ +[0-9]+ +[0-9]+ *$//'
}

# Which snapshots/<n> each snapshot lives in. containerd says so only in the mounts of active
# snapshots: upperdir is the snapshot's own fs, lowerdir its parents' fs, nearest first, in the
# order of the Parent chain. Every committed snapshot here is some active snapshot's ancestor; one
# that is not (or a view) stops the oracle rather than be guessed.
snapshot_directories() { # prints "n<TAB>key" for every snapshot
    local key options upper name n
    local -A seen=()
    while IFS= read -r key <&3; do
        [[ $("${ctr[@]}" snapshots info "$key" | jq -r .Kind) == Active ]] || continue
        options=$("${ctr[@]}" snapshots mounts /x "$key")
        upper=$(grep -o 'upperdir=[^,]*' <<<"$options" | cut -d= -f2)
        if [[ -z $upper ]]; then # no parent: a bind mount of its own fs
            upper=$(awk '$1 == "mount" && $3 == "bind" { print $4 }' <<<"$options")
        fi
        [[ $upper == "$overlay/snapshots/"*/fs ]] || die "cannot tell the directory of snapshot '$key' from: $options"
        n=${upper#"$overlay/snapshots/"}
        seen[${n%/fs}]=$key
        name=$key
        while IFS= read -r lower <&4; do
            [[ -n $lower ]] || continue
            name=$("${ctr[@]}" snapshots info "$name" | jq -r '.Parent // ""')
            [[ -n $name ]] || die "snapshot '$key' mounts more lower directories than it has parents"
            n=${lower#"$overlay/snapshots/"}
            seen[${n%/fs}]=$name
        done 4< <(grep -o 'lowerdir=[^, ]*' <<<"$options" | cut -d= -f2 | tr : '\n')
    done 3< <(snapshot_keys)
    for n in "${!seen[@]}"; do printf '%s\t%s\n' "$n" "${seen[$n]}"; done
}

blob_closure() { # digest: it and every blob it references (index → manifests → config, layers)
    local digest=$1 document
    echo "$digest"
    document=$("${ctr[@]}" content get "$digest")
    case $(jq -r '.mediaType // ""' <<<"$document") in
    *index*|*manifest.list*)
        local child
        while read -r child <&3; do blob_closure "$child"; done 3< <(jq -r '.manifests[].digest' <<<"$document") ;;
    *manifest*)
        jq -r '.config.digest, .layers[].digest' <<<"$document" ;;
    esac
}

image_config() { # target digest → the digest of its config (through an index's first manifest)
    local document
    document=$("${ctr[@]}" content get "$1")
    case $(jq -r '.mediaType // ""' <<<"$document") in
    *index*|*manifest.list*) image_config "$(jq -r '.manifests[0].digest' <<<"$document")" ;;
    *) jq -r .config.digest <<<"$document" ;;
    esac
}

chain_ids() { # diffIDs, one a line → chain IDs, base first
    local chain= diff
    while read -r diff; do
        if [[ -z $chain ]]; then chain=$diff
        else chain=sha256:$(printf '%s %s' "$chain" "$diff" | sha256sum | cut -d' ' -f1); fi
        echo "$chain"
    done
}

wait_idle() { # until neither bolt file has been written for a while (containerd's GC runs after deletions)
    local last= now _
    for _ in $(seq 50); do
        now=$(stat -c %Y.%s "$meta" "$overlay/metadata.db" | tr '\n' ' ')
        [[ $now == "$last" ]] && return 0
        last=$now
        sleep 0.3
    done
    die "containerd keeps writing its databases"
}

oracle() { # writes $dir/oracle.json
    alive "$(cat "$pidfile" 2>/dev/null)" || die "no rig is running under $dir"
    wait_idle
    local parts=$dir/oracle.parts
    rm -rf "$parts"
    mkdir "$parts"
    local n key usage id
    snapshot_directories >"$parts/directories"
    [[ $(wc -l <"$parts/directories") == $(snapshot_keys | wc -l) ]] ||
        die "snapshots without a directory: $(snapshot_keys | grep -vxFf <(cut -f2- "$parts/directories"))"
    [[ $(cut -f1 "$parts/directories" | sort) == $(ls "$overlay/snapshots" | sort) ]] ||
        die "snapshot directories on disk ($(ls "$overlay/snapshots" | xargs)) are not the snapshots' ($(cut -f1 "$parts/directories" | xargs))"
    while IFS=$'\t' read -r n key <&3; do
        usage=$("${ctr[@]}" snapshots usage --b "$key" | sed -n '2s/.* \([0-9][0-9]*\) \+\([0-9][0-9]*\) *$/\1 \2/p')
        "${ctr[@]}" snapshots info "$key" | jq --arg n "$n" --argjson size "${usage% *}" --argjson inodes "${usage#* }" \
            --argjson fs "$(du_bytes "$overlay/snapshots/$n/fs")" --argjson directory "$(du_bytes "$overlay/snapshots/$n")" \
            '{key: .Name, kind: .Kind, parent: (.Parent // null), labels: (.Labels // {}), directory: $n,
              usageBytes: $size, usageInodes: $inodes, fsDuBytes: $fs, directoryDuBytes: $directory}'
    done 3<"$parts/directories" | jq -s 'sort_by(.directory | tonumber)' >"$parts/snapshots.json"

    local listed file
    listed=$("${ctr[@]}" content ls -q)
    for file in "$content"/blobs/sha256/*; do
        jq -n --arg digest "sha256:${file##*/}" --argjson bytes "$(stat -c %s "$file")" \
            --argjson du "$(du_bytes "$file")" --argjson listed "$(grep -qxF "sha256:${file##*/}" <<<"$listed" && echo true || echo false)" \
            '{digest: $digest, bytes: $bytes, duBytes: $du, listed: $listed}'
    done | jq -s . >"$parts/blobs.json"
    while read -r digest; do
        [[ -f $content/blobs/sha256/${digest#sha256:} ]] || die "ctr lists $digest but its blob file is missing"
    done <<<"$listed"

    local name type target config
    while read -r name type target <&3; do
        config=$(image_config "$target")
        "${ctr[@]}" content get "$config" | jq -r '.rootfs.diff_ids[]' >"$parts/diffs"
        jq -n --arg name "$name" --arg type "$type" --arg target "$target" --arg config "$config" \
            --argjson blobs "$(blob_closure "$target" | sort -u | jq -R . | jq -s .)" \
            --argjson diffs "$(jq -R . "$parts/diffs" | jq -s .)" \
            --argjson chains "$(chain_ids <"$parts/diffs" | jq -R . | jq -s .)" \
            '{name: $name, familiar: ($name | sub("^docker.io/"; "")), mediaType: $type, target: $target,
              config: $config, blobs: $blobs, diffIds: $diffs, chainIds: $chains}'
    done 3< <("${ctr[@]}" images ls | awk 'NR > 1 { print $1, $2, $3 }') | jq -s . >"$parts/images.json"

    for file in "$content"/ingest/*; do
        [[ -d $file ]] || continue
        jq -n --arg path "${file#"$root/"}" --arg ref "$(cat "$file/ref")" --argjson du "$(du_bytes "$file")" \
            --argjson data "$(stat -c %s "$file/data")" '{path: $path, ref: $ref, duBytes: $du, dataBytes: $data}'
    done | jq -s . >"$parts/ingests.json"

    id=$(container_id)
    local docker=$dir/docker log=$dir/docker/containers/$id/$id-json.log
    jq -n --arg id "$id" --arg log "$log" --argjson logBytes "$(stat -c %s "$log")" --argjson logDu "$(du_bytes "$log")" \
        --argjson volumeDu "$(du_bytes "$docker/volumes/rigvol/_data")" \
        --arg image "$(jq -r .Image "$docker/containers/$id/config.v2.json")" \
        '{id: $id, name: "rig-docker", snapshotKey: $id, initSnapshotKey: ($id + "-init"), lease: $id,
          imageId: $image, logPath: $log, logBytes: $logBytes, logDuBytes: $logDu,
          volume: {name: "rigvol", duBytes: $volumeDu}}' >"$parts/docker.json"

    wait_idle
    jq -n --arg version "$("${ctr[@]}" version | sed -n 's/^ *Version: *//p' | tail -1)" \
        --arg containerdRoot "$root" --arg dockerRoot "$docker" \
        --argjson containerdRootDu "$(du_bytes "$root")" --argjson dockerRootDu "$(du_bytes "$docker")" \
        --slurpfile snapshots "$parts/snapshots.json" --slurpfile blobs "$parts/blobs.json" \
        --slurpfile images "$parts/images.json" --slurpfile ingests "$parts/ingests.json" \
        --slurpfile docker "$parts/docker.json" \
        --argjson leases "$("${ctr[@]}" leases ls -q | jq -R . | jq -s .)" \
        --argjson containers "$("${ctr[@]}" containers ls -q | jq -R . | jq -s .)" \
        '{containerdVersion: $version, namespace: "moby", snapshotter: "overlayfs",
          containerdRoot: $containerdRoot, dockerRoot: $dockerRoot,
          du: {containerdRoot: $containerdRootDu, dockerRoot: $dockerRootDu},
          snapshots: $snapshots[0], blobs: $blobs[0], images: $images[0], ingests: $ingests[0],
          leases: $leases, containerdContainers: $containers, docker: $docker[0]}' >"$dir/oracle.json"
    rm -rf "$parts"
}

# --- start, record, stop -------------------------------------------------------------------------

start() {
    [[ ${#sock} -lt 90 ]] || die "socket path $sock is too long for a unix socket; use a short DIR"
    [[ ! -e $dir/root ]] || die "$dir already holds a rig; stop it first"
    need_tools
    mkdir -p "$dir/opt" "$dir/state"
    build_images

    cat >"$dir/config.toml" <<EOF
version = 2
root = "$root"
state = "$dir/state"
disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.zfs", "io.containerd.tracing.processor.v1.otlp"]
[grpc]
  address = "$sock"
[ttrpc]
  address = "$sock.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""
[plugins."io.containerd.internal.v1.opt"]
  path = "$dir/opt"
EOF
    # unshare and sh both exec: $! is containerd's own PID.
    unshare --mount --propagation private -- sh -c 'if [ -d /run/containerd ]; then
        mount -t tmpfs -o mode=711 dockdu-c8d /run/containerd; else mount -t tmpfs dockdu-c8d /run; fi &&
        exec containerd --config "$1"' sh "$dir/config.toml" >"$dir/containerd.log" 2>&1 </dev/null &
    echo $! >"$pidfile"
    local _
    for _ in $(seq 50); do
        [[ $(readlink "/proc/$!/ns/mnt" 2>/dev/null) != "$(readlink /proc/self/ns/mnt)" ]] && break
        sleep 0.02
    done
    readlink "/proc/$!/ns/mnt" >"$dir/containerd.mntns" || true
    for _ in $(seq 100); do "${ctr[@]}" version >/dev/null 2>&1 && break; sleep 0.1; done
    "${ctr[@]}" version >/dev/null 2>&1 || { cat "$dir/containerd.log" >&2; die "containerd did not start"; }

    "${ctr[@]}" images import "$dir/images.tar" >/dev/null
    "${ctr[@]}" run -d --null-io --cgroup "/$cgroup/rig-a" docker.io/rig/a:1 rig-a /bin/sh -c \
        'echo hi > /hello.txt; dd if=/dev/zero of=/zero.bin bs=4096 count=64 2>/dev/null; sync; exec sleep 3600'
    local upper
    upper=$(upperdir rig-a)
    for _ in $(seq 50); do [[ $(stat -c %s "$upper/zero.bin" 2>/dev/null) == 262144 ]] && break; sleep 0.1; done
    "${ctr[@]}" containers create docker.io/rig/b:1 rig-b
    head -c 100000 /dev/zero >"$(upperdir rig-b)/offline.bin"

    # Docker's container layer (moby daemon/containerd/image_snapshot.go: lease = container ID).
    local id
    id=$(printf dockdu-rig | sha256sum | cut -d' ' -f1)
    "${ctr[@]}" leases create --expires 0 --id "$id" >/dev/null
    prepare_under_lease "$id" "$id-init-key" "$chain_a"
    upper=$(upperdir "$id-init-key")
    mkdir -p "$upper"/etc "$upper"/dev/pts "$upper"/proc "$upper"/sys
    touch "$upper"/.dockerenv "$upper"/etc/hosts "$upper"/etc/hostname "$upper"/etc/resolv.conf
    commit_under_lease "$id" "$id-init" "$id-init-key"
    prepare_under_lease "$id" "$id" "$id-init"
    echo "written by the rig" >"$(upperdir "$id")/rw.txt"

    # An unpack caught half way (containerd's snapshots.UnpackKeyFormat "extract-%s %s").
    "${ctr[@]}" snapshots prepare "extract-1700000000000000000-dockdu $chain_a" "$base_chain" >/dev/null
    # A partial download: ctr is killed after 1 MiB of an expected 4000000 bytes, the ingest stays.
    mkfifo "$dir/ingest.fifo"
    "${ctr[@]}" content ingest --expected-size 4000000 dockdu-partial <"$dir/ingest.fifo" &
    local ingest=$!
    exec 3>"$dir/ingest.fifo"
    head -c 1200000 /dev/zero >&3   # ctr 1.6 sends 1 MiB at a time
    for _ in $(seq 50); do "${ctr[@]}" content active | grep -q '^dockdu-partial[[:space:]]*[1-9]' && break; sleep 0.1; done
    kill "$ingest" 2>/dev/null || true
    wait "$ingest" 2>/dev/null || true
    exec 3>&-
    rm "$dir/ingest.fifo"

    docker_root
    oracle
    echo "containerd $(cat "$pidfile") is up: ${ctr[*]}; Docker's data root is $dir/docker, the oracle $dir/oracle.json"
}

record() {
    local out=${1:?}
    alive "$(cat "$pidfile" 2>/dev/null)" || die "no rig is running under $dir"
    mkdir -p "$out"
    # Copied while containerd holds its exclusive flock, the way dockdu reads them.
    cp "$meta" "$out/meta.db"
    cp "$overlay/metadata.db" "$out/metadata.db"
    "${ctr[@]}" version | sed -n 's/^ *Version: *//p' | tail -1 >"$out/containerd-version.txt"
    "${ctr[@]}" images ls >"$out/ctr-images-ls.txt"
    "${ctr[@]}" content ls >"$out/ctr-content-ls.txt"
    "${ctr[@]}" content active >"$out/ctr-content-active.txt"
    "${ctr[@]}" snapshots ls >"$out/ctr-snapshots-ls.txt"
    "${ctr[@]}" snapshots usage --b >"$out/ctr-snapshots-usage.txt"
    "${ctr[@]}" leases ls >"$out/ctr-leases-ls.txt"
    "${ctr[@]}" containers ls >"$out/ctr-containers-ls.txt"
    # Exact blob sizes: the content store's files themselves (ctr content ls rounds them).
    (cd "$root/io.containerd.content.v1.content/blobs/sha256" && for f in *; do echo "sha256:$f $(stat -c %s "$f")"; done) \
        >"$out/content-blob-sizes.txt"
    # Every active or view snapshot's mount names its own directory and its parents', nearest first.
    local key
    : >"$out/ctr-snapshots-mounts.txt"
    "${ctr[@]}" snapshots ls | awk 'NR > 1 && $NF != "Committed"' | while read -r line; do
        key=$(sed -E 's/ +(sha256:[0-9a-f]{64}|[^ ]+) +(Active|View)$//' <<<"$line")
        echo "== $key" >>"$out/ctr-snapshots-mounts.txt"
        "${ctr[@]}" snapshots mounts /x "$key" | sed "s|$overlay/||g" >>"$out/ctr-snapshots-mounts.txt"
    done
    echo "recorded into $out"
}

namespace_pids() { # namespace: PIDs of the live processes in that mount namespace but ours
    [[ -n $1 && $1 != "$(readlink /proc/self/ns/mnt)" ]] || return 0
    local p
    for p in /proc/[0-9]*; do
        if [[ $(readlink "$p/ns/mnt" 2>/dev/null) == "$1" ]]; then echo "${p#/proc/}"; fi
    done
}

stop() {
    local pid namespace _ p
    pid=$(cat "$pidfile" 2>/dev/null || true)
    # containerd's mount namespace, recorded at start: its shims share it and outlive it if it dies.
    namespace=$(cat "$dir/containerd.mntns" 2>/dev/null || true)
    if alive "$pid"; then
        namespace=$(readlink "/proc/$pid/ns/mnt" 2>/dev/null || echo "$namespace")
        "${ctr[@]}" tasks kill --signal SIGKILL rig-a >/dev/null 2>&1 || true
        for _ in $(seq 50); do "${ctr[@]}" tasks ls 2>/dev/null | grep -q RUNNING || break; sleep 0.1; done
        "${ctr[@]}" tasks delete rig-a >/dev/null 2>&1 || true
    fi
    # Shims left behind share containerd's mount namespace, and a task whose shim died sits in the
    # rig's cgroup: end them by PID.
    for p in $(namespace_pids "$namespace"); do
        [[ $p == "$pid" ]] || kill -KILL "$p" 2>/dev/null || true
    done
    for p in $(cat /sys/fs/cgroup/"$cgroup"/*/cgroup.procs /sys/fs/cgroup/*/"$cgroup"/*/cgroup.procs 2>/dev/null | sort -u); do
        kill -KILL "$p" 2>/dev/null || true
    done
    if alive "$pid"; then
        kill -TERM "$pid"
        for _ in $(seq 100); do alive "$pid" || break; sleep 0.1; done
        if alive "$pid"; then kill -KILL "$pid"; fi
    fi
    # runc leaves the empty parent cgroup behind (one per controller under cgroup v1); killed
    # processes take a moment to go.
    for _ in $(seq 30); do
        rmdir /sys/fs/cgroup/"$cgroup"/rig-a /sys/fs/cgroup/*/"$cgroup"/rig-a 2>/dev/null || true
        rmdir /sys/fs/cgroup/"$cgroup" /sys/fs/cgroup/*/"$cgroup" 2>/dev/null || true
        if ! alive "$pid" && [[ -z $(namespace_pids "$namespace") ]] && [[ ! -d /sys/fs/cgroup/$cgroup ]] &&
            ! compgen -G "/sys/fs/cgroup/*/$cgroup" >/dev/null; then
            break
        fi
        sleep 0.1
    done
    local leftover=()
    if alive "$pid"; then leftover+=("containerd $pid"); fi
    for p in $(namespace_pids "$namespace"); do leftover+=("process $p"); done
    if [[ -d /sys/fs/cgroup/$cgroup ]] || compgen -G "/sys/fs/cgroup/*/$cgroup" >/dev/null; then
        leftover+=("cgroup $cgroup")
    fi
    ((${#leftover[@]} == 0)) || die "left behind by the rig under $dir: ${leftover[*]}"
    if grep -q " $dir/" /proc/self/mountinfo; then
        die "mounts are left under $dir; not removing it"
    fi
    [[ ${KEEP:-0} == 1 ]] || rm -rf --one-file-system "$dir"
}

case $command in
start) [[ $# -eq 2 ]] || usage; start ;;
oracle) [[ $# -eq 2 ]] || usage; oracle ;;
record) [[ $# -eq 3 ]] || usage; record "$3" ;;
stop) [[ $# -eq 2 ]] || usage; stop ;;
*) usage ;;
esac
