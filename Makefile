# dockdu: build, test and demonstrate. Everything that needs Docker starts its own private engine
# under a temporary folder (Tests/Engine/engine.sh) and never touches /var/lib/docker.
SWIFT ?= swift

.PHONY: build test test-unit test-engine demo bench clean

build:
	$(SWIFT) build -c release

# Unit tests, then the real-engine proof (root, docker.io, busybox-static, curl, jq).
test: test-unit test-engine

test-unit:
	$(SWIFT) test --skip EngineTests

test-engine:
	SWIFT=$(SWIFT) Tests/Engine/run

# A private engine, populated, reported on, stopped: dockdu on a real tree without a Docker install
# of your own (needs root and the packages test-engine needs).
demo: build
	SWIFT=$(SWIFT) Tests/Engine/demo

bench:
	Tests/Bench/bench.sh

clean:
	rm -rf .build
