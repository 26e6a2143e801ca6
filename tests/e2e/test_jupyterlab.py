"""JupyterLab, as a user sees it: a server on localhost, an executed notebook opened in headless
Chromium (Debian's /usr/bin/chromium, driven by Playwright), and the figure checked twice — in the
DOM (an <img> with a PNG data URL of the figure's size) and in a screenshot (the pixels shown where
that <img> sits are the figure's pixels). The window's screenshot: target/e2e/jupyterlab.png."""

import io
import json
import os
import secrets
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest
from checks import pngs_of
from conftest import E2E_OUT, ROOT
from PIL import Image, ImageChops, ImageStat
from run_notebook import run_and_check

CHROMIUM = os.environ.get("GLASSBOX_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]
NOTEBOOK = ROOT / "notebooks" / "01-quickstart.ipynb"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def executed_notebook():
    """The quickstart, executed (reusing test_notebooks' copy when it is there)."""
    done = E2E_OUT / "notebooks" / NOTEBOOK.name
    if not done.exists() or done.stat().st_mtime < NOTEBOOK.stat().st_mtime:
        [(result, problems)] = run_and_check([NOTEBOOK], E2E_OUT / "notebooks", echo=False)
        assert not problems, problems
    return done


@pytest.fixture(scope="module")
def lab(executed_notebook):
    """A JupyterLab server on 127.0.0.1 serving a folder that holds the executed notebook."""
    home = E2E_OUT / "lab"
    shutil.rmtree(home, ignore_errors=True)
    (home / "root").mkdir(parents=True)
    shutil.copy(executed_notebook, home / "root" / NOTEBOOK.name)
    # Fresh JupyterLab state; no news or update checks (no network here, and no pop-ups).
    settings = home / "settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False}))
    env = dict(os.environ,
               JUPYTER_CONFIG_DIR=str(home / "config"), JUPYTER_RUNTIME_DIR=str(home / "runtime"),
               JUPYTERLAB_SETTINGS_DIR=str(home / "settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"))
    port, token = free_port(), secrets.token_hex(16)
    log = open(home / "server.log", "w")
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/jupyter"), "lab", "--no-browser", "--ip=127.0.0.1",
         f"--port={port}", f"--IdentityProvider.token={token}",
         f"--ServerApp.root_dir={home / 'root'}", "--LabApp.news_url=",
         "--ServerApp.open_browser=False"] + (["--allow-root"] if os.getuid() == 0 else []),
        env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError("JupyterLab did not start:\n"
                                         + (home / "server.log").read_text()[-3000:])
                time.sleep(0.5)
        yield base, token
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def test_the_figure_renders_in_jupyterlab(lab, executed_notebook):
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: apt-get install -y chromium"
    base, token = lab
    nb = nbformat.read(executed_notebook, as_version=4)
    figure_cell = next(c for c in nb.cells if "png" in c.get("metadata", {}).get("tags", []))
    expected = Image.open(io.BytesIO(pngs_of(figure_cell)[0])).convert("RGB")

    shot_path = E2E_OUT / "jupyterlab.png"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1000}, device_scale_factor=1)
            page.goto(f"{base}/lab/tree/{NOTEBOOK.name}?token={token}", timeout=120_000)
            img = page.wait_for_selector(".jp-OutputArea-output img", timeout=120_000)
            img.scroll_into_view_if_needed()
            page.wait_for_function("i => i.complete && i.naturalWidth > 0", arg=img,
                                   timeout=30_000)
            dom = img.evaluate("i => ({src: i.src.slice(0, 22), w: i.naturalWidth,"
                               " h: i.naturalHeight, shownW: i.clientWidth})")
            page.wait_for_timeout(1000)  # let JupyterLab finish laying out the notebook
            # What the user sees where the <img> is (Playwright scrolls it into view first)...
            shown = Image.open(io.BytesIO(img.screenshot())).convert("RGB")
            # ...and the whole window, for a person to look at.
            page.screenshot(path=str(shot_path))
        finally:
            browser.close()

    assert dom["src"] == "data:image/png;base64,", dom
    assert (dom["w"], dom["h"]) == expected.size, (dom, expected.size)
    assert dom["shownW"] == expected.width, f"the figure is scaled in the page: {dom}"
    # The element's box may start at a fractional pixel: allow one pixel of extra edge.
    assert abs(shown.width - expected.width) <= 1 and abs(shown.height - expected.height) <= 1
    diff = min(
        max(ImageStat.Stat(ImageChops.difference(
            shown.crop((dx, dy, dx + expected.width, dy + expected.height)), expected)).mean)
        for dx in range(shown.width - expected.width + 1)
        for dy in range(shown.height - expected.height + 1))
    assert diff < 8, f"the screenshot does not show the figure: mean diff {diff} ({shot_path})"
