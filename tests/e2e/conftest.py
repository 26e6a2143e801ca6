"""Shared paths for the end-to-end tests (run them with tests/e2e/run.sh)."""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
FIXTURES = HERE / "fixtures"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
E2E_OUT = ROOT / "target" / "e2e"

for p in (ROOT / "kernel", HERE):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))
