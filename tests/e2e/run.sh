#!/usr/bin/env bash
# End-to-end tests (called by tests/run_all.sh, i.e. `make test`): the harness checks itself, the
# Binder config, every notebook through the glassbox kernel, then JupyterLab in headless Chromium.
# Installs what is missing first (evcxr_jupyter, .venv, Debian's chromium), so it runs on a fresh
# machine. Extra arguments go to pytest (e.g. `-k harness`, `-x`).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

kernel/install.sh --requirements tests/e2e/requirements.txt

if [ ! -x /usr/bin/chromium ] && [ -z "${GLASSBOX_CHROMIUM:-}" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "[e2e] installing Debian's chromium (for the JupyterLab test)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "[e2e] error: /usr/bin/chromium is missing: sudo apt-get install -y chromium" >&2
    exit 1
  fi
fi

# Order matters: cheap self-checks first, notebooks before the browser test that opens one.
exec .venv/bin/python -m pytest -p no:cacheprovider -v -rfE \
  tests/e2e/test_harness.py tests/e2e/test_binder.py tests/e2e/test_kernel_protocol.py \
  tests/e2e/test_notebooks.py \
  tests/e2e/test_many_cells.py tests/e2e/test_jupyterlab.py "$@"
