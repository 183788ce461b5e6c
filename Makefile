# Cairn build. `make` builds bin/cairn and the nix-* links; `make test`
# runs the Go tests and the Nix language conformance suite.
GO ?= $(shell scripts/ensure-go)
BIN := bin
LINKS := nix nix-instantiate nix-build nix-store nix-shell nix-env nix-hash nix-collect-garbage
SHARED ?= ../shared

.PHONY: all build cross test gotest conformance conformance-symlinks nixpkgs-lib vet bench clean

all: build

build:
	CGO_ENABLED=0 $(GO) build -trimpath -o $(BIN)/cairn ./cmd/cairn
	@for l in $(LINKS); do ln -sf cairn $(BIN)/$$l; done

cross:
	CGO_ENABLED=0 GOOS=linux GOARCH=arm64 $(GO) build -trimpath -o $(BIN)/cairn-linux-arm64 ./cmd/cairn

vet:
	$(GO) vet ./...

gotest:
	$(GO) test ./...

conformance: build
	@if [ -x $(SHARED)/conformance/run-lang-tests ]; then \
		$(SHARED)/conformance/run-lang-tests $(BIN)/nix-instantiate; \
	else echo "conformance: $(SHARED) not present, skipped"; fi

# The suite again with its four symlinks restored (../shared keeps them
# as plain files, which fails five eval-okay tests for any Nix, real Nix
# included). Fails when fewer tests pass than LANG_MIN_PASSED, the score
# real Nix 2.34.8 gets on the same restored copy.
LANG_MIN_PASSED ?= 445
conformance-symlinks: build
	@if [ -x $(SHARED)/conformance/run-lang-tests ]; then \
		SHARED=$(abspath $(SHARED)) scripts/lang-tests-with-symlinks $(BIN)/nix-instantiate | \
		awk -v min=$(LANG_MIN_PASSED) '{ print } /^lang: / { n = $$2 } END { if (n < min) { print "conformance-symlinks: " n " passed, fewer than " min > "/dev/stderr"; exit 1 } }'; \
	else echo "conformance-symlinks: $(SHARED) not present, skipped"; fi

# nixpkgs lib's own suites (misc.nix, modules.sh) must pass.
nixpkgs-lib: build
	@scripts/nixpkgs-lib-tests

test: build vet gotest conformance conformance-symlinks nixpkgs-lib

# Evaluation workloads timed against real Nix (needs tools/refnix-setup
# run once). refnix only sees the directory it starts in, so the runner is
# started from the folder holding ../shared.
bench: build
	cd $(SHARED)/.. && $(abspath $(SHARED))/bench/run-eval-bench $(CURDIR)/$(BIN)/nix-instantiate "$(abspath $(SHARED))/tools/refnix nix-instantiate"
	$(GO) test ./eval ./evalstore -run '^$$' -bench . -benchtime 3x

clean:
	rm -rf $(BIN)
