"""The harness itself: the output checks catch bad pictures and text, and a failing notebook fails
with the failing cell's source and error shown. Without these, a green run would prove nothing."""

import base64
import io
import subprocess

import nbformat
import pytest
from checks import check_notebook, png_problem
from conftest import E2E_OUT, FIXTURES, ROOT
from PIL import Image, ImageDraw
from run_notebook import run_and_check


def png_bytes(w, h, draw=None, colour=(255, 255, 255)):
    img = Image.new("RGB", (w, h), colour)
    if draw:
        draw(img)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def square(img):
    ImageDraw.Draw(img).rectangle((5, 5, 35, 35), fill=(200, 30, 30))


def notebook(cells, kernel="glassbox-rust", dep=':dep glassbox = { path = "../crate" }'):
    spec = {"name": kernel, "display_name": kernel}
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": spec})
    nb.cells = [nbformat.v4.new_code_cell(dep)] + cells  # unvalidated: some tests want bad ones
    return nb


def cell(tags, outputs, expect_text=()):
    c = nbformat.v4.new_code_cell("x")
    c.metadata["tags"] = tags
    if expect_text:
        c.metadata["glassbox"] = {"expect_text": list(expect_text)}
    c.outputs = [nbformat.from_dict(o) for o in outputs]
    return c


def png_output(png):
    return {"output_type": "execute_result", "execution_count": 1, "metadata": {},
            "data": {"image/png": base64.b64encode(png).decode(), "text/plain": "fig"}}


def stdout(text):
    return {"output_type": "stream", "name": "stdout", "text": text}


# --- the checks, on hand-made notebooks (no kernel) ----------------------------------------------

def test_a_real_picture_passes():
    assert png_problem(png_bytes(100, 80, square)) is None
    assert check_notebook(notebook([cell(["png"], [png_output(png_bytes(100, 80, square))])])) == []


@pytest.mark.parametrize("png, why", [
    (png_bytes(100, 100), "blank"),
    (png_bytes(40, 200, square), "smaller than 64×64"),
    (b"GIF89a not a png", "bad signature"),
    (png_bytes(100, 100, square)[:60], "does not decode"),
], ids=["blank", "small", "not-png", "truncated"])
def test_bad_pictures_are_caught(png, why):
    problems = check_notebook(notebook([cell(["png"], [png_output(png)])]))
    assert len(problems) == 1 and why in problems[0], problems


def test_missing_picture_and_wrong_text_are_caught():
    nb = notebook([cell(["png"], [stdout("no image")]),
                   cell([], [stdout("the answer is 41\n")], expect_text=["answer is 42"]),
                   cell([], [stdout("the answer is 41\n")], expect_text=["answer is 41"]),
                   cell([], [stdout("Total params: 23,946\n")], expect_text=["params: 23,946"])])
    problems = check_notebook(nb)
    assert len(problems) == 2, problems
    assert "code cell 2 is tagged `png` but shows no image/png" in problems[0]
    assert "code cell 3 should print 'answer is 42'" in problems[1] and "41" in problems[1]


# The tag that broke `make tour` (nbformat: a tag may not contain a comma). Every layer must
# refuse it: the checks, the runner (before starting a kernel) and the HTML export.
OLD_TAG = "text:Total params:          23,946"


def test_a_tag_with_a_comma_is_invalid_and_caught():
    nb = notebook([cell([OLD_TAG], [stdout("Total params:          23,946\n")])])
    problems = check_notebook(nb)
    assert any("not valid nbformat" in p and "tags" in p for p in problems), problems
    assert any("expect_text" in p for p in problems), problems


def test_the_runner_refuses_an_invalid_notebook_before_running_it(tmp_path):
    import notebook_runner

    source = tmp_path / "bad-tag.ipynb"
    nb = notebook([cell([OLD_TAG], [])])
    nbformat.write(nb, source, version=nbformat.NO_CONVERT)
    [result] = notebook_runner.run([source], tmp_path / "out", html=True)
    assert not result.ok and "not valid nbformat" in result.error, result.error
    assert "HTML export failed" in result.error, result.error
    index = (tmp_path / "out" / "index.html").read_text()
    assert "bad-tag" in index and "FAILED" in index


def test_the_tour_exporter_renders_a_valid_notebook(tmp_path):
    import notebook_runner

    executed = tmp_path / "fine.ipynb"
    nb = notebook([cell(["png"], [png_output(png_bytes(100, 80, square))],
                        expect_text=["fig, with a comma"])])
    nbformat.write(nb, executed)
    page = notebook_runner.render_html(executed).read_text()
    assert 'src="data:image/png;base64,' in page


def test_notebook_conventions_are_enforced():
    assert any("kernelspec" in p for p in check_notebook(notebook([], kernel="rust")))
    assert any(":dep glassbox" in p for p in check_notebook(notebook([], dep="let x = 1;")))


# --- whole notebooks through the kernel ---------------------------------------------------------

def run_fixture(name):
    [(result, problems)] = run_and_check([FIXTURES / name], E2E_OUT / "fixtures", echo=False)
    return result, problems


def test_a_cell_that_does_not_compile_fails_with_its_source_and_error():
    result, problems = run_fixture("fails_to_compile.ipynb")
    assert not result.ok and len(problems) == 1
    report = problems[0]
    assert "code cell 2 failed" in report, report
    assert 'let seven: u32 = "seven";' in report, report
    assert "mismatched types" in report, report
    assert "never reached" not in report


def test_a_glassbox_error_fails_with_its_message():
    result, problems = run_fixture("fails_at_runtime.ipynb")
    assert not result.ok, problems
    report = problems[0]
    assert 'Figure::from_rgb(0, 0, vec![], "nothing")?' in report, report
    assert "0×0 has no pixels" in report, report


def test_wrong_outputs_fail_the_checks():
    result, problems = run_fixture("wrong_outputs.ipynb")
    assert result.ok, result.error
    assert len(problems) == 3, problems
    assert "code cell 2 is tagged `png` but shows no image/png output" in problems[0]
    assert "should print 'the answer is 42'" in problems[1] and "the answer is 41" in problems[1]
    assert "code cell 4" in problems[2] and "blank" in problems[2]


def test_the_command_line_exits_non_zero_and_shows_the_cell():
    run = subprocess.run(
        [str(ROOT / ".venv/bin/python"), str(ROOT / "tests/e2e/run_notebook.py"),
         "--out", str(E2E_OUT / "fixtures-cli"), str(FIXTURES / "fails_to_compile.ipynb")],
        capture_output=True, text=True, timeout=900)
    assert run.returncode == 1, run.stdout + run.stderr
    assert 'let seven: u32 = "seven";' in run.stdout
    assert "mismatched types" in run.stdout
    assert "0 passed, 1 failed" in run.stdout
