#!/usr/bin/env bash
# Builds .build-fuzz/dockdu-fuzz: DockduCore's sources and Tests/Fuzz/FuzzTargets.swift compiled as
# one module with libFuzzer and AddressSanitizer (both ship with the Swift toolchain on Linux).
# CSystemShims is header-only (static inline), so a module map over its header is all it needs.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
SWIFTC=${SWIFTC:-swiftc}
out=.build-fuzz
mkdir -p "$out/shims"
cat >"$out/shims/module.modulemap" <<MAP
module CSystemShims {
    header "$PWD/Sources/CSystemShims/include/CSystemShims.h"
    export *
}
MAP
mapfile -t sources < <(find Sources/DockduCore -name '*.swift' | sort)
# -O: a fuzzer is only as good as its executions per second; debug Swift is ~10x slower.
"$SWIFTC" -O -g -swift-version 6 -parse-as-library -module-name DockduCore \
    -sanitize=fuzzer,address -I "$out/shims" \
    "${sources[@]}" Tests/Fuzz/FuzzTargets.swift -o "$out/dockdu-fuzz" \
    2> >(grep -v "Cannot export local symbol '__asan" >&2)  # gold's noise about ASan's own symbols
echo "built $out/dockdu-fuzz"
