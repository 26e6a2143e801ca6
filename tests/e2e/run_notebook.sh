#!/usr/bin/env bash
# Runs one or more notebooks through the glassbox kernel and checks their tagged cells:
#
#   tests/e2e/run_notebook.sh notebooks/05-projections.ipynb [more.ipynb ...]
#
# Sets up what is missing first (kernel/install.sh: evcxr, .venv, kernelspec). Executed copies go
# to target/e2e/notebooks/. Exits non-zero when a cell fails or a tagged output is wrong, printing
# the failing cell's source and error. Tags: see tests/e2e/README.md.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
"$root/kernel/install.sh" --requirements "$root/tests/e2e/requirements.txt"
exec "$root/.venv/bin/python" "$root/tests/e2e/run_notebook.py" "$@"
