"""Every tutorial in notebooks/ runs cleanly through the glassbox kernel, renders to HTML the way
the tour renders it, and its checked cells show what they promise (tests/e2e/checks.py).

All notebooks run in one call of the tour's own code path (`notebook_runner.run`, through
run_and_check): in order, sharing one evcxr build folder, each rendered to HTML, then index.html.
"""

import re

import nbformat
import pytest
from checks import format_problems
from conftest import E2E_OUT, NOTEBOOKS
from run_notebook import run_and_check

OUT = E2E_OUT / "notebooks"


def test_there_are_notebooks():
    assert NOTEBOOKS, "notebooks/ holds no .ipynb"


@pytest.mark.parametrize("source", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_is_valid_nbformat(source):
    """Cheap and first: an invalid notebook is what broke the tour's HTML export once."""
    problems = format_problems(nbformat.read(source, as_version=4))
    assert not problems, f"{source.name}: " + "\n".join(problems)


@pytest.fixture(scope="module")
def tour():
    """{notebook name: (Result, problems)} for one tour-like run of every notebook."""
    report = run_and_check(NOTEBOOKS, OUT, echo=True)
    return {result.source.name: (result, problems) for result, problems in report}


@pytest.mark.parametrize("source", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook(tour, source):
    result, problems = tour[source.name]
    print(f"{source.name}: {result.seconds:.1f} s")
    assert not problems, f"{source.name}:\n" + "\n".join(problems)


def test_the_tour_pages_are_written(tour):
    """index.html links every notebook's HTML, and each page holds its pictures inline."""
    index = (OUT / "index.html").read_text(encoding="utf-8")
    for source in NOTEBOOKS:
        page = OUT / f"{source.stem}.html"
        assert f'href="{source.stem}.html"' in index, f"index.html does not link {page.name}"
        assert page.is_file(), f"{page} was not written"
        html = page.read_text(encoding="utf-8")
        pictures = len(re.findall(r'<img[^>]+src="data:image/png;base64,', html))
        tagged = sum("png" in c.get("metadata", {}).get("tags", [])
                     for c in nbformat.read(source, as_version=4).cells)
        assert pictures >= tagged, f"{page.name} shows {pictures} PNGs; {tagged} cells are tagged png"
