#!/usr/bin/env bash
# Runs every test of the project; called by `make test` and by CI (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "rustup components (rust-src for evcxr, rustfmt, clippy)"
rustup component add rust-src rustfmt clippy >/dev/null

step "format"
cargo fmt --all -- --check

step "clippy (-D warnings)"
cargo clippy --workspace --all-targets -- -D warnings

step "Rust tests (unit, integration, doc)"
cargo test --workspace

step "cuda feature builds (dfdx ci-check: no GPU or nvcc needed)"
cargo check -p glassbox --features cuda,ci-check

if [ -x tests/e2e/run.sh ]; then
  step "end-to-end: notebooks, JupyterLab in headless Chromium, Binder config"
  tests/e2e/run.sh
fi
printf '\nall tests passed\n'
