"""Binder's configuration (binder/) is valid without building it: the scripts parse, and
repo2docker --no-build turns the folder into a Dockerfile that installs and runs what we expect."""

import re
import subprocess

import pytest
from conftest import ROOT

SCRIPTS = ["binder/postBuild", "binder/start", "kernel/install.sh", "kernel/launch.sh",
           "kernel/tour.sh", "tests/e2e/run.sh", "tests/e2e/run_notebook.sh"]


@pytest.mark.parametrize("script", SCRIPTS)
def test_script_parses_and_is_executable(script):
    path = ROOT / script
    run = subprocess.run(["bash", "-n", str(path)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert path.stat().st_mode & 0o111, f"{script} is not executable"


def test_binder_scripts_follow_repo2docker_rules():
    post = (ROOT / "binder/postBuild").read_text()
    start = (ROOT / "binder/start").read_text()
    assert post.startswith("#!/bin/bash\n") and "set -euo pipefail" in post
    assert "--default-toolchain 1.95.0" in post and "--component rust-src" in post
    assert "kernel/install.sh" in post and "notebook_runner.py" in post
    assert start.rstrip().splitlines()[-1] == 'exec "$@"'
    # The ImageNet weights go into the cache glassbox reads, before the warm-up runs the notebooks.
    repo = re.search(r'Vgg16, "VGG16", "(timm/[^"]+)"',
                     (ROOT / "crate/src/models/vgg.rs").read_text())
    assert repo, "Vgg16's hub repository not found in crate/src/models/vgg.rs"
    weights = f'get("{repo.group(1)}", "model.safetensors")'
    assert weights in post, f"postBuild does not download {weights}"
    assert post.index(weights) < post.index("notebook_runner.py")
    pins = (ROOT / "binder/requirements.txt").read_text()
    assert re.search(r"^huggingface_hub==", pins, re.M), "postBuild needs huggingface_hub"
    assert not (ROOT / "binder/Dockerfile").exists(), "a Dockerfile would disable the other files"


def test_repo2docker_accepts_the_repository():
    run = subprocess.run(
        [str(ROOT / ".venv/bin/repo2docker"), "--no-build", "--debug", "--user-id", "1000",
         "--user-name", "jovyan", str(ROOT)],
        capture_output=True, text=True, timeout=300)
    out = run.stdout + run.stderr
    assert run.returncode == 0, out[-4000:]
    dockerfile = out[out.find("FROM "):]
    assert "FROM " in out, out[-4000:]
    assert "python=3.11" in out, "binder/runtime.txt should select Python 3.11"
    for expected in ["build-essential", "binder/requirements.txt", "./binder/postBuild",
                     'R2D_ENTRYPOINT="${REPO_DIR}/binder/start"']:
        assert expected in dockerfile, f"{expected!r} is not in the generated Dockerfile:\n{dockerfile[-4000:]}"
