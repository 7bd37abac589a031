#!/usr/bin/env bash
# Proves the install targets and the Debian package (slow: a release build; not part of
# `swift test`):
#   1. `make install` refuses, installing nothing, when the binary cannot write completions;
#   2. `make install DESTDIR=...` with the default PREFIX writes exactly the expected files, with
#      /usr/local paths in the units and scripts, and `make uninstall` removes them all;
#   3. Packaging/deb/build.sh builds the package; `dpkg -x` of it holds exactly the expected files;
#   4. `dpkg -i` installs it here: the binary runs, the man page renders, each shell finds its
#      completions, systemd-analyze accepts the units, the nightly script writes a report;
#   5. `dpkg -r` removes it and leaves none of its files.
# Needs root, make, dpkg-dev and a Swift toolchain (SWIFT, else swift on PATH); uses man, mandoc,
# bash, zsh, fish and systemd-analyze when they are installed and says so when not. Refuses to
# run where a dockdu is already installed in /usr.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

say() { printf 'deb test: %s\n' "$*" >&2; }
fail() { say "FAIL: $*"; exit 1; }
skip() { say "skipped: $*"; }
have() { command -v "$1" >/dev/null 2>&1; }

((EUID == 0)) || fail "run as root: the package is installed with dpkg -i"
if dpkg-query -W -f='${Status}' dockdu 2>/dev/null | grep -q ' installed$' || [[ -e /usr/bin/dockdu ]]; then
    fail "a dockdu is already installed in /usr; this test installs and removes its own, so it will not run here"
fi
swift=${SWIFT:-swift}

scratch=$(mktemp -d /tmp/dockdu-deb-test.XXXXXX)
installed=0
cleanup() {
    if ((installed)); then dpkg -r dockdu >/dev/null 2>&1 || :; fi
    rm -rf "$scratch"
}
trap cleanup EXIT

# The files an install writes, relative to PREFIX (the zsh directory is the one make uses).
expected_install=(
    bin/dockdu
    lib/dockdu/dockdu-nightly
    lib/systemd/system/dockdu-report.service
    lib/systemd/system/dockdu-report.timer
    share/bash-completion/completions/dockdu
    share/fish/vendor_completions.d/dockdu.fish
    share/man/man8/dockdu.8
    share/zsh/site-functions/_dockdu
)
files_under() { (cd "$1" && find . -type f -o -type l | sed 's|^\./||' | LC_ALL=C sort); }
same_list() { # name, actual (newline-separated), expected...
    local name=$1 actual=$2
    shift 2
    local expected
    expected=$(printf '%s\n' "$@" | LC_ALL=C sort)
    [[ $actual == "$expected" ]] || fail "$name: files differ from the expected list:
$(diff <(echo "$expected") <(echo "$actual") || :)"
}

# A small data root: enough for dockdu report to read and describe.
fake_root=$scratch/data-root
mkdir -p "$fake_root"/{overlay2/l,containers,volumes/appdata/_data,image/overlay2}
echo 'some data' >"$fake_root/volumes/appdata/_data/file"

# 1. No completions, no install.
say "1. make install without a completions command installs nothing"
mkdir -p "$scratch/fake-bin"
cat >"$scratch/fake-bin/swift" <<EOF
#!/bin/sh
# Stands in for swift: "builds" nothing and shows a bin path holding a dockdu without completions.
case " \$* " in *" --show-bin-path "*) echo "$scratch/fake-bin" ;; esac
EOF
cat >"$scratch/fake-bin/dockdu" <<'EOF'
#!/bin/sh
echo "dockdu: unknown command 'completions'" >&2
exit 64
EOF
chmod 755 "$scratch/fake-bin/swift" "$scratch/fake-bin/dockdu"
if make --no-print-directory install SWIFT="$scratch/fake-bin/swift" DESTDIR="$scratch/refused" \
    >"$scratch/refused.out" 2>&1; then
    fail "make install succeeded with a binary that has no completions command"
fi
grep -q "has no working 'completions' command" "$scratch/refused.out" ||
    fail "make install did not say why it failed: $(cat "$scratch/refused.out")"
[[ ! -e $scratch/refused ]] || fail "make install left files behind: $(find "$scratch/refused")"
say "   refused: $(grep "has no working" "$scratch/refused.out")"

# 2. make install and uninstall with the default PREFIX.
say "2. make install DESTDIR=... (PREFIX=/usr/local), then make uninstall"
stage=$scratch/stage
make --no-print-directory install SWIFT="$swift" DESTDIR="$stage" >"$scratch/install.out" 2>&1 ||
    fail "make install failed: $(tail -20 "$scratch/install.out")"
same_list "make install" "$(files_under "$stage/usr/local")" "${expected_install[@]}"
[[ $(files_under "$stage") == "$(files_under "$stage/usr/local" | sed 's|^|usr/local/|')" ]] ||
    fail "make install wrote outside PREFIX: $(files_under "$stage")"
grep -qx 'ExecStart=/usr/local/lib/dockdu/dockdu-nightly' "$stage/usr/local/lib/systemd/system/dockdu-report.service" ||
    fail "the installed unit does not run /usr/local/lib/dockdu/dockdu-nightly"
grep -q 'DOCKDU_BIN:-/usr/local/bin/dockdu}' "$stage/usr/local/lib/dockdu/dockdu-nightly" ||
    fail "the installed nightly script does not default to /usr/local/bin/dockdu"
grep -q '/usr/local/lib/dockdu/dockdu-nightly' "$stage/usr/local/share/man/man8/dockdu.8" ||
    fail "the installed man page does not name /usr/local/lib/dockdu/dockdu-nightly"
[[ $(stat -c %a "$stage/usr/local/bin/dockdu") == 755 && $(stat -c %a "$stage/usr/local/lib/dockdu/dockdu-nightly") == 755 ]] ||
    fail "installed programs are not mode 755"
"$stage/usr/local/bin/dockdu" --version >/dev/null || fail "the installed binary does not run"
make --no-print-directory uninstall DESTDIR="$stage" >/dev/null
left=$(files_under "$stage")
[[ -z $left ]] || fail "make uninstall left: $left"
[[ ! -e $stage/usr/local/lib/dockdu ]] || fail "make uninstall left lib/dockdu"
say "   installed ${#expected_install[@]} files under /usr/local and removed them"

# 3. Build the package and look inside.
say "3. Packaging/deb/build.sh, then dpkg -x"
deb=$(SWIFT="$swift" Packaging/deb/build.sh "$scratch/out" 2>"$scratch/build.err" | tail -n 1) ||
    fail "build.sh failed: $(tail -20 "$scratch/build.err")"
[[ -f $deb ]] || fail "build.sh printed no package: $deb"
say "   built $(basename "$deb")"
sed -n '/^deb: lintian/,$p' "$scratch/build.err" >&2
dpkg-deb --field "$deb" Package Version Architecture Depends >&2
extracted=$scratch/x
dpkg -x "$deb" "$extracted"
expected_package=(
    usr/bin/dockdu
    usr/lib/dockdu/dockdu-nightly
    usr/lib/systemd/system/dockdu-report.service
    usr/lib/systemd/system/dockdu-report.timer
    usr/share/bash-completion/completions/dockdu
    usr/share/doc/dockdu/changelog.gz
    usr/share/doc/dockdu/copyright
    usr/share/doc/dockdu/examples/cron.d-dockdu
    usr/share/fish/vendor_completions.d/dockdu.fish
    usr/share/man/man8/dockdu.8.gz
    usr/share/zsh/vendor-completions/_dockdu
)
same_list "dpkg -x" "$(files_under "$extracted")" "${expected_package[@]}"
version=$("$extracted/usr/bin/dockdu" --version)
[[ $version == "dockdu $(dpkg-deb --field "$deb" Version)" ]] || fail "extracted binary says '$version'"
grep -qx 'ExecStart=/usr/lib/dockdu/dockdu-nightly' "$extracted/usr/lib/systemd/system/dockdu-report.service" ||
    fail "the packaged unit does not run /usr/lib/dockdu/dockdu-nightly"
if have mandoc; then
    lint=$(zcat "$extracted/usr/share/man/man8/dockdu.8.gz" | mandoc -T lint -W warning 2>&1) || :
    [[ -z $lint ]] || fail "mandoc -T lint on the packaged page: $lint"
else
    skip "mandoc lint of the packaged page: mandoc is not installed"
fi
say "   $(echo "${expected_package[@]}" | wc -w) files as expected; $version"

# 4. Install it on this machine.
say "4. dpkg -i"
installed=1
dpkg -i "$deb" >&2 || fail "dpkg -i failed"
[[ $(/usr/bin/dockdu --version) == "$version" ]] || fail "/usr/bin/dockdu --version"
say "   /usr/bin/dockdu --version: $(/usr/bin/dockdu --version)"
if have man; then
    page=$(man -l /usr/share/man/man8/dockdu.8.gz 2>&1) || fail "man -l failed: $page"
    head -n 8 <<<"$page" >&2
    grep -q 'disk usage auditor for Docker data roots' <<<"$page" || fail "man -l shows no NAME line"
else
    skip "man -l: man is not installed"
fi
reply=$(bash -c 'source /usr/share/bash-completion/completions/dockdu
    COMP_WORDS=(dockdu report --ro); COMP_CWORD=2; _dockdu; echo "${COMPREPLY[*]}"')
[[ $reply == --root ]] || fail "bash completion of 'dockdu report --ro' gave '$reply'"
if have zsh; then
    # Found by a plain compinit through Debian's $fpath, as a user's shell would.
    found=$(HOME=$scratch zsh -fc 'autoload -Uz compinit && compinit -u -d $HOME/zcompdump && print -r -- $_comps[dockdu]')
    [[ $found == _dockdu ]] || fail "zsh's compinit does not find _dockdu (got '$found')"
else
    skip "zsh: not installed"
fi
if have fish; then
    found=$(HOME=$scratch XDG_CONFIG_HOME=$scratch fish -c 'complete -C"dockdu plan --all-"')
    grep -q -- '--all-volumes' <<<"$found" || fail "fish does not load the packaged completions: '$found'"
else
    skip "fish: not installed"
fi
if have systemd-analyze; then
    systemd-analyze verify /usr/lib/systemd/system/dockdu-report.service /usr/lib/systemd/system/dockdu-report.timer ||
        fail "systemd-analyze verify of the installed units"
else
    skip "systemd-analyze verify: systemd is not installed"
fi
# As root, dockdu keeps a layer cache in /var/cache/dockdu: what this run adds there is removed.
cache=/var/cache/dockdu
cache_existed=0
[[ -d $cache ]] && cache_existed=1
cache_before=$(ls -A "$cache" 2>/dev/null || :)
DOCKDU_ROOT=$fake_root DOCKDU_REPORTS=$scratch/reports /usr/lib/dockdu/dockdu-nightly ||
    fail "the installed nightly script failed"
if ((cache_existed)); then
    comm -13 <(echo "$cache_before") <(ls -A "$cache") | while read -r added; do rm -f -- "${cache:?}/$added"; done
else
    rm -rf -- "$cache"
fi
reports=("$scratch"/reports/*.json)
if ((${#reports[@]} != 1)) || ! grep -q '"schemaVersion"' "${reports[0]}"; then
    fail "the installed nightly script did not write one report: ${reports[*]}"
fi
say "   man page, completions (bash, zsh, fish), units and the nightly script work from /usr"

# 5. Remove it.
say "5. dpkg -r"
dpkg -r dockdu >&2
installed=0
for file in "${expected_package[@]}"; do
    [[ ! -e /$file ]] || fail "dpkg -r left /$file"
done
[[ ! -e /usr/lib/dockdu ]] || fail "dpkg -r left /usr/lib/dockdu"
status=$(dpkg-query -W -f='${Status}' dockdu 2>/dev/null || :)
[[ $status != *" installed" ]] || fail "dpkg still lists dockdu as installed: $status"
say "   removed; none of its files remain"
say "PASS"
