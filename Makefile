# spotkey — two commands on a fresh Debian/Ubuntu machine:
#   make run    install what the app needs, build it and start it
#   make test   install what the tests need and run every test (keychain and browser included)
SHELL := /bin/bash
CARGO ?= cargo

.PHONY: run build test deps test-deps bench bench-cli lint fmt demo bundle check-deb screenshots

# ONE release build serves `make run`, `make demo` and `make bundle`: the same features and
# targets every time (the fake Spotify example pulls in dev-dependency features, so building it
# separately would rebuild everything with another feature set).
RELEASE_BUILD = $(CARGO) build --release --features custom-protocol --bins --example fake_spotify --example man_page

deps:
	@scripts/install-deps.sh

test-deps:
	@scripts/install-deps.sh --test

build: deps
	$(RELEASE_BUILD)

run: build
	target/release/spotkey-desktop

# Everything runs inside a private D-Bus session with a real, unlocked GNOME Keyring.
test: test-deps
	scripts/test-env.sh $(CARGO) test --no-fail-fast -- --test-threads=4

# Release figures (docs/PERFORMANCE.md): sign-in/CLI timings, then window start, memory, idle.
# Both benches run even when one fails; the target fails at the end if either did.
bench: test-deps
	$(CARGO) build --release --features custom-protocol --bins --example hello_window
	@failed=""; \
	for b in sign_in desktop; do \
	  scripts/test-env.sh $(CARGO) bench --features custom-protocol --bench $$b || failed="$$failed $$b"; \
	done; \
	if [ -n "$$failed" ]; then echo "make bench: failed:$$failed" >&2; exit 1; fi

# Whole-process CLI figures against secret-tool and the GUI-linked build, in one run each
# (docs/PERFORMANCE.md). PEER='<command>' adds a whole sign-in peer to compare `spotkey login` with.
# The sign-in peers (rspotify) are their own small cargo project, built from crates.io here only.
bench-cli: build test-deps
	cd benches/peers && $(CARGO) build --release --locked
	scripts/test-env.sh scripts/bench-cli.py $(if $(PEER),--peer '$(PEER)')

# The whole flow against a local fake Spotify: no account, no network, nothing of yours touched
# (a private D-Bus session and keyring, throwaway dirs; all gone when it ends). Runs the `build`.
demo: build
	SPOTKEY_DEMO_BIN_DIR=target/release scripts/demo.sh

# .deb (and the AppImage where its tools can be downloaded) from the `make build` binaries, with
# the prebuilt tauri CLI from npm (not part of `make test`: slow).
bundle: build
	scripts/bundle.sh

# Installs the built .deb with apt, runs it (CLI, and the desktop entry under Xvfb), removes it.
check-deb: bundle
	scripts/check-deb.sh

# Re-takes the committed screenshots in docs/screenshots (the e2e run's own pictures).
screenshots: test-deps
	SPOTKEY_SCREENSHOTS=1 scripts/test-env.sh $(CARGO) test --test desktop_e2e

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --all-targets -- -D warnings
