# spotkey — two commands on a fresh Debian/Ubuntu machine:
#   make run    install what the app needs, build it and start it
#   make test   install what the tests need and run every test (keychain and browser included)
SHELL := /bin/bash
CARGO ?= cargo

.PHONY: run test deps test-deps bench lint fmt

deps:
	@scripts/install-deps.sh

test-deps:
	@scripts/install-deps.sh --test

run: deps
	$(CARGO) run --release --features custom-protocol --bin spotkey

# Everything runs inside a private D-Bus session with a real, unlocked GNOME Keyring.
test: test-deps
	scripts/test-env.sh $(CARGO) test -- --test-threads=4

bench: test-deps
	scripts/test-env.sh $(CARGO) bench --bench sign_in

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --all-targets -- -D warnings
