# wxpay-agent-kit: the two commands a new user needs are `make demo` and `make test`.
SHELL := /bin/bash
APT_PACKAGES := libssl-dev libcurl4-openssl-dev libsqlite3-dev libhiredis-dev redis-server libqrencode-dev zlib1g-dev zbar-tools \
                librsvg2-bin jq curl python3 python3-pip wrk chromium chromium-driver
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: deps build release demo test test-swift test-scripts fuzz fuzz-smoke faults faults-smoke sanitize clean

## Install what is missing (apt-get update, then apt-get install -y ...).
deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "installing:$$missing"; \
	  $(SUDO) apt-get update && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y $$missing; fi
	@python3 -c 'import wechatpayv3, yaml, fastapi, uvicorn, mcp, selenium' 2>/dev/null \
	  || python3 -m pip install -q wechatpayv3 jsonschema pyyaml fastapi uvicorn mcp selenium 2>/dev/null \
	  || python3 -m pip install -q --break-system-packages wechatpayv3 jsonschema pyyaml fastapi uvicorn mcp selenium

build: deps
	swift build

release: deps
	swift build -c release --static-swift-stdlib

## Build, start the emulator, create an intent, pay, deliver the webhook, refund, score a batch.
demo: build
	bash scripts/demo.sh

## Unit, contract and process-level tests, then the script-driven suites (interop, agent loop, packaging, faults),
## then the whole Swift suite again under AddressSanitizer, then a short run of every fuzz target. The build refuses
## an import that Package.swift does not declare, and (Package.swift) any warning in our targets. ThreadSanitizer
## runs in `make sanitize`: its 5-15x slowdown puts the process tests' timeouts at risk on a loaded CI machine.
test: build
	swift build --build-tests --explicit-target-dependency-import-check error
	swift test --skip-build
	bash scripts/test-scripts.sh
	SANITIZERS=address bash scripts/sanitize.sh
	$(MAKE) fuzz-smoke

## Every fuzz target for FUZZ_SECONDS (default 60) each; new corpus entries are kept (Fuzz/README.md).
fuzz: deps
	bash Fuzz/run.sh fuzz $(FUZZ_TARGETS)

## A few thousand inputs per fuzz target under AddressSanitizer: fails on any finding.
fuzz-smoke: deps
	bash Fuzz/run.sh smoke $(FUZZ_TARGETS)

## Fault campaigns (Tests/faults/README.md): webhook's hand-off (SIGKILL mid-hand-off, 64 concurrent appenders,
## full or broken storage, dead forwarding) and the payment functions under WeChat Pay faults injected by the
## emulator; prints one table and fails on any violation (FAULTS_SEED reproduces).
faults: build
	python3 Tests/faults/campaign.py

## The same campaigns at a few runs each (well under a minute; `make test` runs it).
faults-smoke: build
	bash Tests/faults/smoke.sh

## The test suite under AddressSanitizer, then under ThreadSanitizer (separate build folders).
sanitize: deps
	bash scripts/sanitize.sh

clean:
	rm -rf .build .build-* .build-*.log .demo Fuzz/findings
