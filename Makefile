# dockdu: build, test and demonstrate. Everything that needs Docker starts its own private engine
# under a temporary folder (Tests/Engine/engine.sh) and never touches /var/lib/docker.
SWIFT ?= swift

.PHONY: build test test-unit test-engine test-package fuzz demo samples bench clean

# Release, with the Swift runtime linked in, so hosts need no Swift installed.
build:
	$(SWIFT) build -c release --static-swift-stdlib

# Unit tests, the real-engine proof (root, docker.io, busybox-static, curl, jq), then install and
# the Debian package, installed on this machine and removed again (root, dpkg-dev, lintian).
test: test-unit test-engine test-package

test-unit:
	$(SWIFT) test --skip EngineTests

test-engine:
	SWIFT=$(SWIFT) Tests/Engine/run

test-package:
	SWIFT=$(SWIFT) Packaging/deb/test.sh

# libFuzzer on every parser of untrusted bytes (bolt files, Docker's JSON documents, earlier
# reports, the layer cache, overlay2 names, command-line durations and sizes), FUZZ_SECONDS each,
# on a copy of Tests/Fuzz/corpus; fails if any target crashes or breaks an invariant.
FUZZ_SECONDS ?= 60
fuzz:
	Tests/Fuzz/run.sh $(FUZZ_SECONDS)

# A private engine, populated, reported on, stopped: dockdu on a real tree without a Docker install
# of your own (needs root and the packages test-engine needs).
demo: build
	SWIFT=$(SWIFT) Tests/Engine/demo

# Re-records every sample output in README.md from this build on demo's tree (root and docker, as
# for demo), then the warning-code list from the code's own, and checks them all (ReadmeTests).
samples: build
	SWIFT=$(SWIFT) Tests/Engine/samples
	DOCKDU_RECORD_GOLDEN=1 $(SWIFT) test --filter ReadmeTests >/dev/null 2>&1 || :
	$(SWIFT) test --filter ReadmeTests

bench:
	Tests/Bench/bench.sh

clean:
	rm -rf .build .build-fuzz

# Installing. `make install` builds a release binary with the Swift runtime linked in and installs
# it with the man page, shell completions (written by the binary itself), the systemd units and the
# nightly report script; PREFIX (default /usr/local) and DESTDIR (a staging root) as usual.
# `make uninstall` removes exactly those files. `make deb` builds a Debian package from a staged
# install (Packaging/deb/build.sh).
PREFIX ?= /usr/local
DESTDIR ?=
INSTALL ?= install
BINDIR = $(PREFIX)/bin
MAN8DIR = $(PREFIX)/share/man/man8
BASHCOMPDIR = $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR = $(PREFIX)/share/zsh/site-functions
FISHCOMPDIR = $(PREFIX)/share/fish/vendor_completions.d
UNITDIR = $(PREFIX)/lib/systemd/system
NIGHTLYDIR = $(PREFIX)/lib/dockdu
# The sources name the packaged paths (/usr); an install elsewhere gets its own.
PREFIX_PATHS = sed -e 's|/usr/lib/dockdu/|$(PREFIX)/lib/dockdu/|g' -e 's|/usr/bin/dockdu|$(PREFIX)/bin/dockdu|g'

.PHONY: install uninstall deb

install:
	$(SWIFT) build -c release --static-swift-stdlib
	@set -eu; \
	bin="$$($(SWIFT) build -c release --static-swift-stdlib --show-bin-path)/dockdu"; \
	staged=$$(mktemp -d); trap 'rm -rf "$$staged"' EXIT; \
	for shell in bash zsh fish; do \
		if ! "$$bin" completions $$shell >"$$staged/$$shell" 2>"$$staged/error" || ! [ -s "$$staged/$$shell" ]; then \
			echo "make install: '$$bin completions $$shell' did not write a completion script:" >&2; \
			sed 's/^/    /' "$$staged/error" >&2; \
			echo "make install: this dockdu has no working 'completions' command; nothing was installed" >&2; \
			exit 1; \
		fi; \
	done; \
	$(PREFIX_PATHS) man/dockdu.8 >"$$staged/dockdu.8"; \
	$(PREFIX_PATHS) Packaging/dockdu-nightly >"$$staged/dockdu-nightly"; \
	$(PREFIX_PATHS) Packaging/systemd/dockdu-report.service >"$$staged/dockdu-report.service"; \
	set -x; \
	$(INSTALL) -d "$(DESTDIR)$(BINDIR)" "$(DESTDIR)$(MAN8DIR)" "$(DESTDIR)$(BASHCOMPDIR)" \
		"$(DESTDIR)$(ZSHCOMPDIR)" "$(DESTDIR)$(FISHCOMPDIR)" "$(DESTDIR)$(UNITDIR)" "$(DESTDIR)$(NIGHTLYDIR)"; \
	$(INSTALL) -m 755 "$$bin" "$(DESTDIR)$(BINDIR)/dockdu"; \
	$(INSTALL) -m 644 "$$staged/dockdu.8" "$(DESTDIR)$(MAN8DIR)/dockdu.8"; \
	$(INSTALL) -m 644 "$$staged/bash" "$(DESTDIR)$(BASHCOMPDIR)/dockdu"; \
	$(INSTALL) -m 644 "$$staged/zsh" "$(DESTDIR)$(ZSHCOMPDIR)/_dockdu"; \
	$(INSTALL) -m 644 "$$staged/fish" "$(DESTDIR)$(FISHCOMPDIR)/dockdu.fish"; \
	$(INSTALL) -m 644 "$$staged/dockdu-report.service" "$(DESTDIR)$(UNITDIR)/dockdu-report.service"; \
	$(INSTALL) -m 644 Packaging/systemd/dockdu-report.timer "$(DESTDIR)$(UNITDIR)/dockdu-report.timer"; \
	$(INSTALL) -m 755 "$$staged/dockdu-nightly" "$(DESTDIR)$(NIGHTLYDIR)/dockdu-nightly"

uninstall:
	rm -f "$(DESTDIR)$(BINDIR)/dockdu" "$(DESTDIR)$(MAN8DIR)/dockdu.8" \
		"$(DESTDIR)$(BASHCOMPDIR)/dockdu" "$(DESTDIR)$(ZSHCOMPDIR)/_dockdu" \
		"$(DESTDIR)$(FISHCOMPDIR)/dockdu.fish" "$(DESTDIR)$(UNITDIR)/dockdu-report.service" \
		"$(DESTDIR)$(UNITDIR)/dockdu-report.timer" "$(DESTDIR)$(NIGHTLYDIR)/dockdu-nightly"
	rmdir "$(DESTDIR)$(NIGHTLYDIR)" 2>/dev/null || :

deb:
	SWIFT="$(SWIFT)" Packaging/deb/build.sh
