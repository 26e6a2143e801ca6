"""Every tutorial in notebooks/ runs cleanly through the glassbox kernel, and its tagged cells show
what they promise (tests/e2e/checks.py). Notebooks run in order, sharing one evcxr build folder."""

import pytest
from conftest import E2E_OUT, NOTEBOOKS
from run_notebook import run_and_check


def test_there_are_notebooks():
    assert NOTEBOOKS, "notebooks/ holds no .ipynb"


@pytest.mark.parametrize("source", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook(source):
    [(result, problems)] = run_and_check([source], E2E_OUT / "notebooks", echo=False)
    print(f"{source.name}: {result.seconds:.1f} s")
    assert not problems, f"{source.name}:\n" + "\n".join(problems)
