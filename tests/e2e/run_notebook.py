"""Runs notebooks through the glassbox kernel and checks their tagged outputs.

    .venv/bin/python tests/e2e/run_notebook.py [--out DIR] notebooks/05-projections.ipynb ...

Exit status 0 when every notebook ran without an error and every tagged cell passed its check.
tests/e2e/run_notebook.sh is the same with the setup done first.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT / "kernel"))
sys.path.insert(0, str(HERE))

import nbformat  # noqa: E402
import notebook_runner  # noqa: E402
from checks import check_notebook  # noqa: E402

DEFAULT_OUT = ROOT / "target" / "e2e" / "notebooks"


def run_and_check(sources: list[Path], out_dir: Path = DEFAULT_OUT, cell_timeout: int | None = None,
                  echo: bool = True):
    """Runs the notebooks exactly as the tour does (`notebook_runner.run`: execute, validate,
    HTML, index.html), then checks each one; returns [(Result, problems)] in order."""
    report = []

    def done(result):
        problems = [result.error] if result.error else []
        if result.ok:
            problems += check_notebook(nbformat.read(result.executed, as_version=4))
        report.append((result, problems))
        if echo:
            status = "ok" if not problems else "FAILED"
            print(f"{result.source.name:40s} {status:6s} {result.seconds:7.1f} s", flush=True)
            for p in problems:
                print("  " + p.replace("\n", "\n  "), flush=True)

    timeout = cell_timeout or notebook_runner.CELL_TIMEOUT_S
    notebook_runner.run([Path(s) for s in sources], out_dir, html=True, cell_timeout=timeout,
                        on_done=done)
    return report


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("notebooks", nargs="+", type=Path)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"default: {DEFAULT_OUT}")
    args = ap.parse_args(argv)
    missing = [str(p) for p in args.notebooks if not p.is_file()]
    if missing:
        print(f"no such notebook: {', '.join(missing)}", file=sys.stderr)
        return 2
    report = run_and_check(args.notebooks, args.out)
    bad = sum(1 for _, problems in report if problems)
    print(f"{len(report) - bad} passed, {bad} failed  (executed copies in {args.out})")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
