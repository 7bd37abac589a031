#!/usr/bin/env bash
# Fuzzes every parser of untrusted bytes for SECONDS each (default 60): builds the libFuzzer binary
# (build.sh), then runs one target per folder of Tests/Fuzz/corpus on a copy of that folder in a
# temporary directory, so nothing is written into the repository. Prints each target's executions
# and findings; a crashing input is kept under the temporary directory, its path and a hex dump
# printed. Exits 1 if any target found something.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
seconds=${1:-60}
if ! [[ $seconds =~ ^[1-9][0-9]*$ ]]; then
    echo "usage: Tests/Fuzz/run.sh [SECONDS]  (whole seconds per target, default 60)" >&2
    exit 64
fi

Tests/Fuzz/build.sh
binary=$PWD/.build-fuzz/dockdu-fuzz
work=$(mktemp -d "${TMPDIR:-/tmp}/dockdu-fuzz.XXXXXX")
failed=()
count=0
# Swift's runtime keeps metadata caches for the process's life, which LeakSanitizer would report.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
# Swift's own backtracer reads the crashed process's memory, which ASan then reports instead of
# the trap; libFuzzer's handler prints the stack and keeps the input.
export SWIFT_BACKTRACE=enable=no

for folder in Tests/Fuzz/corpus/*/; do
    target=$(basename "$folder")
    count=$((count + 1))
    mkdir -p "$work/corpus/$target" "$work/findings/$target"
    cp -R "$folder." "$work/corpus/$target/"
    log=$work/$target.log
    status=0
    DOCKDU_FUZZ_TARGET=$target "$binary" -max_total_time="$seconds" -rss_limit_mb=512 -timeout=5 \
        -artifact_prefix="$work/findings/$target/" "$work/corpus/$target" >"$log" 2>&1 || status=$?
    runs=$(sed -n 's/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\1 runs in \2 s/p' "$log" | tail -1)
    findings=("$work/findings/$target"/*)
    if ((status == 0)) && [[ ! -e ${findings[0]} ]]; then
        printf '%-17s %s, nothing found\n' "$target" "${runs:-? runs}"
        continue
    fi
    failed+=("$target")
    printf '%-17s FOUND SOMETHING (exit %d); log: %s\n' "$target" "$status" "$log"
    grep -E 'ERROR|invariant broken|Fatal error|runtime failure|SUMMARY|^ *#[0-9]+ ' "$log" | head -25 | sed 's/^/    /'
    for finding in "${findings[@]}"; do
        [[ -e $finding ]] || continue
        echo "    input: $finding ($(wc -c <"$finding") bytes)"
        od -A x -t x1z -v "$finding" | head -16 | sed 's/^/      /'
    done
done

if ((${#failed[@]})); then
    echo "fuzz: findings in ${failed[*]}; inputs and logs are under $work" >&2
    echo "fuzz: $(($count - ${#failed[@]})) passed, ${#failed[@]} failed"
    exit 1
fi
rm -rf "$work"
echo "fuzz: ${seconds}s per target, nothing found"
echo "fuzz: $count passed, 0 failed"
