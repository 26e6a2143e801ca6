"""Executes glassbox notebooks headlessly through the "Rust · glassbox" kernel.

One implementation for the tour (kernel/tour.sh) and the end-to-end tests (tests/e2e/):

    python kernel/notebook_runner.py --out target/tour --html notebooks/*.ipynb

Notebooks run one after another, each in a fresh kernel started in the notebook's own folder (so
`:dep glassbox = { path = "../crate" }` resolves), all with one evcxr build folder
(EVCXR_TMPDIR = target/evcxr/kernel-0, locked while we use it) so glassbox compiles once. The
executed notebook is written even when a cell fails, so the HTML shows where it stopped.

`run` is the whole job — execute, validate, render HTML, write index.html — and the end-to-end
tests call that same function (tests/e2e/run_notebook.py), so a notebook that the tour cannot
render fails `make test` too.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import html
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

ROOT = Path(__file__).resolve().parent.parent
KERNEL_NAME = "glassbox-rust"
STARTUP_TIMEOUT_S = 600  # evcxr starts in seconds; the first `:dep` compile happens in a cell
CELL_TIMEOUT_S = 3600  # a cold first cell compiles dfdx, faer, plotters, image... at :opt 2 (minutes)


@dataclass
class Result:
    """What happened to one notebook."""

    source: Path
    executed: Path
    seconds: float
    error: str | None = None  # the failing cell's number, source and error, ready to print

    @property
    def ok(self) -> bool:
        return self.error is None


def _ansi_free(text: str) -> str:
    import re

    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def describe_failure(nb: nbformat.NotebookNode, fallback: str) -> str:
    """The first code cell with an error output: its number, source and error text."""
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    for number, cell in enumerate(code_cells, start=1):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                trace = "\n".join(out.get("traceback") or [])
                error = trace.strip() or f"{out.get('ename', '')}: {out.get('evalue', '')}"
                return _format_failure(number, cell.source, _ansi_free(error))
    return _ansi_free(fallback)


def stderr_failure(nb: nbformat.NotebookNode) -> str | None:
    """evcxr reports an error returned by `?` as text on stderr, not as a Jupyter error, so the
    cell "succeeds". Any stderr output fails the notebook unless the cell is tagged `stderr-ok`."""
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    for number, cell in enumerate(code_cells, start=1):
        if "stderr-ok" in cell.get("metadata", {}).get("tags", []):
            continue
        text = "".join(o.get("text", "") for o in cell.get("outputs", [])
                       if o.get("output_type") == "stream" and o.get("name") == "stderr")
        if text.strip():
            return _format_failure(number, cell.source,
                                   _ansi_free(text) + "\n(written to stderr: how evcxr shows an "
                                   "error returned with `?`; tag the cell `stderr-ok` if intended)")
    return None


def _format_failure(number: int, source: str, error: str) -> str:
    src = "\n".join(f"    {line}" for line in source.splitlines())
    err = "\n".join(f"    {line}" for line in error.strip().splitlines())
    return f"code cell {number} failed:\n{src}\n  error:\n{err}"


@contextlib.contextmanager
def evcxr_build_dir(name: str = "kernel-0"):
    """Locks target/evcxr/<name> (the slot kernel/launch.sh also uses) and sets EVCXR_TMPDIR."""
    base = ROOT / "target" / "evcxr"
    base.mkdir(parents=True, exist_ok=True)
    with open(base / f"{name}.lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"waiting for target/evcxr/{name}: another kernel is using it", flush=True)
            fcntl.flock(lock, fcntl.LOCK_EX)
        old = os.environ.get("EVCXR_TMPDIR")
        os.environ["EVCXR_TMPDIR"] = str(base / name)
        try:
            yield base / name
        finally:
            if old is None:
                os.environ.pop("EVCXR_TMPDIR", None)
            else:
                os.environ["EVCXR_TMPDIR"] = old


def invalid_format(nb: nbformat.NotebookNode) -> str | None:
    """Why `nb` is not valid nbformat (nbconvert refuses to export it), or None."""
    try:
        nbformat.validate(nb)
    except nbformat.ValidationError as e:
        where = "/".join(str(p) for p in e.absolute_path) or "(top level)"
        return f"not valid nbformat at {where}: {e.message}"
    return None


def execute(source: Path, out_dir: Path, cell_timeout: int = CELL_TIMEOUT_S) -> Result:
    """Runs every cell of `source` in a fresh kernel; writes the executed copy into `out_dir`.

    An invalid notebook is not run: the tour could not render it, so it fails at once."""
    source = Path(source).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    executed = out_dir / source.name
    nb = nbformat.read(source, as_version=4)
    problem = invalid_format(nb)
    if problem:
        nbformat.write(nb, executed, version=nbformat.NO_CONVERT)  # as it is, for inspection
        return Result(source, executed, 0.0, f"{source.name} is {problem}")
    client = NotebookClient(
        nb,
        kernel_name=KERNEL_NAME,
        timeout=cell_timeout,
        startup_timeout=STARTUP_TIMEOUT_S,
        resources={"metadata": {"path": str(source.parent)}},
        allow_errors=False,
        record_timing=True,
    )
    error = None
    start = time.monotonic()
    try:
        client.execute()
    except CellExecutionError as e:
        error = describe_failure(nb, str(e))
    except CellTimeoutError as e:
        error = f"a cell ran past {cell_timeout} s: {e}"
    except DeadKernelError as e:
        error = f"the kernel died: {e}"
    except Exception as e:  # kernel missing, cannot start, ...: still report, never hide
        error = f"{type(e).__name__}: {e}"
    seconds = time.monotonic() - start
    if error is None:
        error = stderr_failure(nb)
    if error is None:
        problem = invalid_format(nb)
        error = f"the executed notebook is {problem}" if problem else None
    nbformat.write(nb, executed, version=nbformat.NO_CONVERT)
    return Result(source, executed, seconds, error)


def execute_all(sources: list[Path], out_dir: Path, cell_timeout: int = CELL_TIMEOUT_S,
                on_done=None) -> list[Result]:
    """Runs the notebooks in order, sharing one evcxr build folder; `on_done(result)` after each."""
    results = []
    with evcxr_build_dir():
        for source in sources:
            result = execute(Path(source), out_dir, cell_timeout)
            results.append(result)
            if on_done:
                on_done(result)
    return results


def render_html(executed: Path) -> Path:
    """Writes `<name>.html` beside the executed notebook (nbconvert's lab template, images inline).

    nbconvert validates the notebook first and raises on an invalid one."""
    from nbconvert import HTMLExporter

    body, _ = HTMLExporter(template_name="lab").from_filename(str(executed))
    target = executed.with_suffix(".html")
    target.write_text(body, encoding="utf-8")
    return target


def render(result: Result) -> None:
    """HTML for one executed notebook. A notebook that does not render is marked failed (its error
    says why) instead of stopping the others."""
    try:
        render_html(result.executed)
    except Exception as e:  # nbformat validation, template errors: report, keep going
        why = f"HTML export failed: {type(e).__name__}: {e}"
        result.error = f"{result.error}\n{why}" if result.error else why


def run(sources: list[Path], out_dir: Path, html: bool = True, cell_timeout: int = CELL_TIMEOUT_S,
        on_done=None) -> list[Result]:
    """The tour's job: execute every notebook in order and (with `html`) render each to HTML as it
    finishes, then write index.html. `on_done(result)` after each notebook, HTML included."""

    def done(result: Result) -> None:
        if html:
            render(result)
        if on_done:
            on_done(result)

    results = execute_all(sources, out_dir, cell_timeout, on_done=done)
    if html:
        write_index(results, out_dir)
    return results


def write_index(results: list[Result], out_dir: Path) -> Path:
    """An index.html linking each rendered notebook, with its status and wall time."""
    rows = []
    for r in results:
        status = "ok" if r.ok else "FAILED"
        name = html.escape(r.source.stem)
        rows.append(
            f'<tr><td><a href="{name}.html">{name}</a></td><td>{status}</td>'
            f"<td>{r.seconds:.1f} s</td><td><a href=\"{name}.ipynb\">ipynb</a></td></tr>"
        )
    page = (
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>glassbox tour</title>"
        "<style>body{font-family:sans-serif;margin:2em}td{padding:.3em 1em}</style></head><body>"
        "<h1>glassbox tour</h1><p>Every notebook, executed headlessly by <code>make tour</code>."
        "</p><table><tr><th>notebook</th><th>status</th><th>wall time</th><th></th></tr>"
        + "".join(rows)
        + "</table></body></html>\n"
    )
    index = out_dir / "index.html"
    index.write_text(page, encoding="utf-8")
    return index


def print_result(r: Result) -> None:
    status = "ok" if r.ok else "FAILED"
    print(f"{r.source.name:40s} {status:6s} {r.seconds:7.1f} s", flush=True)
    if r.error:
        print(r.error, flush=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("notebooks", nargs="+", type=Path)
    ap.add_argument("--out", type=Path, required=True, help="folder for the executed notebooks")
    ap.add_argument("--html", action="store_true", help="also write HTML and an index.html")
    ap.add_argument("--cell-timeout", type=int, default=CELL_TIMEOUT_S)
    args = ap.parse_args(argv)

    missing = [str(p) for p in args.notebooks if not p.is_file()]
    if missing:
        print(f"no such notebook: {', '.join(missing)}", file=sys.stderr)
        return 2
    results = run(args.notebooks, args.out, args.html, args.cell_timeout, on_done=print_result)
    if args.html:
        print(f"\nrendered: {args.out / 'index.html'}")
    failed = [r for r in results if not r.ok]
    total = sum(r.seconds for r in results)
    print(f"{len(results) - len(failed)} of {len(results)} notebooks ran cleanly in {total:.1f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
