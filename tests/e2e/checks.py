"""Checks on an executed notebook, driven by cell tags and cell metadata (tests/e2e/README.md).

Cell tags (JupyterLab: the property inspector, "Common Tools" → "Cell Tags") are flags only:

- `png`            the cell shows an `image/png` that decodes, is at least 64×64 and is not blank
                   (at least 1% of its pixels differ from its most common colour);
- `no-error-text`  nothing the cell printed contains "error" (for cells that must stay quiet);
- `stderr-ok`      the cell may write to stderr (kernel/notebook_runner.py otherwise fails it).

Expected text lives in the cell metadata, not in tags, because nbformat forbids commas in tags
(`^[^,]+$`) and printed numbers have them ("23,946"): `"glassbox": {"expect_text": ["…"]}` lists
strings the cell's text output (stdout, stderr or text/plain) must contain, any characters allowed.

And for every notebook: it is valid nbformat, the kernelspec is `glassbox-rust`, and the first
code cell is `:dep glassbox = { path = "…/crate" }`.
"""

from __future__ import annotations

import base64
import io
import re

MIN_SIDE = 64
MIN_NON_BACKGROUND = 0.01

DEP_LINE = re.compile(r'^:dep glassbox = \{ path = "(\.\./)+crate" \}\s*$')


def text_of(cell) -> str:
    """Everything a cell printed or returned as text."""
    parts = []
    for out in cell.get("outputs", []):
        kind = out.get("output_type")
        if kind == "stream":
            parts.append(out.get("text", ""))
        elif kind in ("execute_result", "display_data"):
            parts.append(out.get("data", {}).get("text/plain", ""))
        elif kind == "error":
            parts.append(f"{out.get('ename', '')}: {out.get('evalue', '')}")
    return "".join(p if isinstance(p, str) else "".join(p) for p in parts)


def pngs_of(cell) -> list[bytes]:
    """The decoded bytes of every image/png the cell shows."""
    found = []
    for out in cell.get("outputs", []):
        data = out.get("data", {})
        if "image/png" in data:
            payload = data["image/png"]
            if isinstance(payload, list):
                payload = "".join(payload)
            found.append(base64.b64decode(payload))
    return found


def png_problem(png: bytes, min_side: int = MIN_SIDE) -> str | None:
    """Why this PNG is not a real picture, or None when it is one."""
    from PIL import Image

    if not png.startswith(b"\x89PNG\r\n\x1a\n"):
        return "the image/png output is not a PNG (bad signature)"
    try:
        img = Image.open(io.BytesIO(png))
        img.load()
    except Exception as e:  # truncated, corrupt
        return f"the PNG does not decode: {e}"
    w, h = img.size
    if w < min_side or h < min_side:
        return f"the PNG is {w}×{h}, smaller than {min_side}×{min_side}"
    rgb = img.convert("RGB")
    colours = rgb.getcolors(maxcolors=w * h) or []
    background = max(count for count, _ in colours)
    if (w * h - background) < MIN_NON_BACKGROUND * w * h:
        return f"the PNG ({w}×{h}) is blank: {background / (w * h):.1%} of it is one colour"
    return None


def expected_texts(cell) -> list[str]:
    """The strings the cell's text output must contain (metadata `glassbox.expect_text`)."""
    want = cell.get("metadata", {}).get("glassbox", {}).get("expect_text", [])
    return [want] if isinstance(want, str) else list(want)


def format_problems(nb) -> list[str]:
    """Why `nb` is not valid nbformat, as a list (the runner's own check, so both say the same)."""
    from notebook_runner import invalid_format

    problem = invalid_format(nb)
    return [problem] if problem else []


def check_cell(cell, number: int) -> list[str]:
    """Problems with one code cell, judged by its tags and its expected texts."""
    problems = []
    where = f"code cell {number}"
    got = text_of(cell)
    for want in expected_texts(cell):
        if want not in got:
            shown = got.strip()[:500] or "(no text output)"
            problems.append(f"{where} should print {want!r}; it printed:\n{shown}")
    for tag in cell.get("metadata", {}).get("tags", []):
        if tag == "png":
            pngs = pngs_of(cell)
            if not pngs:
                problems.append(f"{where} is tagged `png` but shows no image/png output")
            for png in pngs:
                why = png_problem(png)
                if why:
                    problems.append(f"{where}: {why}")
        elif tag.startswith("text:"):
            problems.append(f"{where} has the tag {tag!r}: expected text goes in the cell metadata "
                            '`"glassbox": {"expect_text": [...]}`, not in a tag')
        elif tag == "no-error-text":
            if "error" in got.lower():
                problems.append(f"{where} printed an error: {got.strip()[:500]}")
    return problems


def check_notebook(nb) -> list[str]:
    """Every problem found in an executed notebook (empty when all is well)."""
    problems = format_problems(nb)
    spec = nb.get("metadata", {}).get("kernelspec", {}).get("name")
    if spec != "glassbox-rust":
        problems.append(f"kernelspec is {spec!r}; notebooks must use 'glassbox-rust'")
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    if not code_cells or not DEP_LINE.match(code_cells[0].source.strip()):
        problems.append(
            'the first code cell must be `:dep glassbox = { path = "../crate" }`'
        )
    for number, cell in enumerate(code_cells, start=1):
        problems.extend(check_cell(cell, number))
    return problems
