#!/usr/bin/env bash
# Builds a Debian package of dockdu from a staged `make install DESTDIR=... PREFIX=/usr`:
#   Packaging/deb/build.sh [OUTPUT_DIR]     (default: .build/deb)
# prints the path of the .deb on its last line, and runs lintian on it when lintian is installed
# (its findings are printed, not fatal). Needs make, dpkg-deb and a Swift toolchain (SWIFT, else
# swift on PATH); dpkg-shlibdeps (dpkg-dev) works out the library dependencies when it is there.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

say() { printf 'deb: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

output=${1:-.build/deb}
swift=${SWIFT:-swift}
for tool in make dpkg-deb dpkg gzip; do
    command -v "$tool" >/dev/null || die "$tool is needed (apt-get install dpkg-dev make gzip)"
done

staging=$(mktemp -d /tmp/dockdu-deb.XXXXXX)
trap 'rm -rf "$staging"' EXIT
root=$staging/root

# Debian's zsh reads packaged completions from vendor-completions, not site-functions.
make --no-print-directory install SWIFT="$swift" DESTDIR="$root" PREFIX=/usr \
    ZSHCOMPDIR=/usr/share/zsh/vendor-completions >&2

binary=$root/usr/bin/dockdu
[[ -x $binary ]] || die "make install did not install $binary"
version=$("$binary" --version)
version=${version#dockdu }
[[ $version =~ ^[0-9][A-Za-z0-9.+~-]*$ ]] || die "cannot read a version from 'dockdu --version': $version"
architecture=$(dpkg --print-architecture)

# What Debian policy asks of a package's files: stripped binaries, compressed manuals, a
# copyright file and a changelog, owned by root (dpkg-deb --root-owner-group) with sane modes.
strip --strip-unneeded --remove-section=.comment --remove-section=.note "$binary"
gzip -9n "$root/usr/share/man/man8/dockdu.8"
doc=$root/usr/share/doc/dockdu
install -d "$doc/examples"
install -m 644 Packaging/cron/dockdu "$doc/examples/cron.d-dockdu"
# The date of the last commit, so that the same tree builds the same package.
epoch=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}
maintainer=${DOCKDU_DEB_MAINTAINER:-$(git log -1 --format='%an <%ae>' 2>/dev/null || echo 'dockdu maintainers <root@localhost>')}
cat >"$staging/changelog" <<EOF
dockdu ($version) unstable; urgency=medium

  * Built from the dockdu source tree at $(git rev-parse --short HEAD 2>/dev/null || echo "an unknown commit").

 -- $maintainer  $(date -u -R -d "@$epoch")
EOF
gzip -9n -c "$staging/changelog" >"$doc/changelog.gz"
cat >"$doc/copyright" <<EOF
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: dockdu

Files: *
Copyright: $(date -u -d "@$epoch" +%Y) the dockdu maintainers
License: unspecified
 The dockdu source tree does not state a license yet.
EOF
chmod 644 "$doc/changelog.gz" "$doc/copyright"
find "$root" -type d -exec chmod 755 {} +
find "$root" -exec touch -h -d "@$epoch" {} +

# Library dependencies from the binary's symbol versions, as debhelper would; the Swift runtime
# is linked in, but the C++ runtime and libgcc_s still come from the system.
depends=
if command -v dpkg-shlibdeps >/dev/null; then
    mkdir -p "$staging/src/debian"
    printf 'Source: dockdu\n\nPackage: dockdu\nArchitecture: any\n' >"$staging/src/debian/control"
    depends=$(cd "$staging/src" && dpkg-shlibdeps -O "$binary" 2>/dev/null | sed -n 's/^shlibs:Depends=//p') || depends=
fi
if [[ -z $depends ]]; then
    say "no dpkg-shlibdeps (dpkg-dev): depending on the libraries by name, without versions"
    depends="libc6, libgcc-s1, libstdc++6"
fi

install -d -m 755 "$root/DEBIAN"
(cd "$root" && find . -type f ! -path './DEBIAN/*' -printf '%P\0' | LC_ALL=C sort -z | xargs -0 md5sum) >"$root/DEBIAN/md5sums"
chmod 644 "$root/DEBIAN/md5sums"
cat >"$root/DEBIAN/control" <<EOF
Package: dockdu
Version: $version
Architecture: $architecture
Maintainer: $maintainer
Installed-Size: $(du -sk --exclude=DEBIAN "$root" | cut -f1)
Depends: $depends
Section: admin
Priority: optional
Description: disk usage auditor for Docker data roots
 dockdu reads a Docker data root (/var/lib/docker) directly, offline and
 read-only, with or without a running Docker daemon, and attributes every byte
 under it to exactly one owner: an image layer (shared or unique), a container,
 its logs, a volume, BuildKit's cache, or an orphan that nobody owns. Its total
 equals du's; with --apparent-size its figures equal Docker's own.
 .
 "dockdu report" prints the breakdown as tables or as a versioned JSON
 document; "dockdu plan" prints an exact, reviewable clean-up plan, or a shell
 script to carry it out. dockdu itself never deletes anything.
 .
 The package includes a systemd timer (dockdu-report.timer, not enabled) that
 keeps a month of nightly JSON reports in /var/lib/dockdu/reports.
EOF
chmod 644 "$root/DEBIAN/control"

mkdir -p "$output"
deb=$output/dockdu_${version}_${architecture}.deb
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >&2

if command -v lintian >/dev/null; then
    say "lintian $deb:"
    lintian --display-info "$deb" >&2 || say "lintian reported problems (listed above); the package was built"
else
    say "lintian is not installed; not checked"
fi
echo "$deb"
