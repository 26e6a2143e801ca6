#!/usr/bin/env bash
# Runs every test of the project; called by `make test` and by CI (.ci/run). Installs what a fresh
# machine lacks first (rust-src, evcxr_jupyter, the .venv with JupyterLab and the test packages).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

step() { printf '\n==> %s (%s)\n' "$*" "$(date +%H:%M:%S)"; }

step "set-up: toolchain components, kernel, .venv with test packages (idempotent)"
rustup component add rust-src rustfmt clippy >/dev/null
kernel/install.sh --requirements tests/e2e/requirements.txt
# Rust tests that cross-check files with Python tools (TensorBoard's EventAccumulator) use it.
export GLASSBOX_PYTHON="$PWD/.venv/bin/python"
# ... and here a cross-check that cannot run is a failure, never a silent skip.
export GLASSBOX_REQUIRE_CROSS_CHECKS=1

step "format"
cargo fmt --all -- --check

step "clippy (-D warnings)"
cargo clippy --workspace --all-targets -- -D warnings

step "API docs build without broken links"
RUSTDOCFLAGS="-D warnings" cargo doc -p glassbox --no-deps

step "Rust tests (unit, integration, doc)"
cargo test --workspace

step "cuda feature builds (dfdx ci-check: no GPU or nvcc needed)"
cargo check -p glassbox --features cuda,ci-check

step "end-to-end: notebooks, JupyterLab in headless Chromium, Binder config"
tests/e2e/run.sh

printf '\nall tests passed (%s)\n' "$(date +%H:%M:%S)"
