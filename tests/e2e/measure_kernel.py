"""Measures the kernel as a user feels it: a fresh "Rust · glassbox" kernel in notebooks/, then
the quickstart's first cells one by one, printing the wall time of each step.

    .venv/bin/python tests/e2e/measure_kernel.py [--runs 2]

"time to first plot" = kernel start + `:dep glassbox` + `use` + the first figure cell.
"""

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT / "kernel"))

import notebook_runner  # noqa: E402
from jupyter_client.manager import start_new_kernel  # noqa: E402

FIGURE = """let heat = {
    let (w, h) = (240u32, 160u32);
    let rgb: Vec<u8> = (0..w * h).flat_map(|i| [(i % w) as u8, (i / w) as u8, 128]).collect();
    Figure::from_rgb(w, h, rgb, "gradient")?
};
heat.clone()"""
STEPS = [
    ("`:dep glassbox`", ':dep glassbox = { path = "../crate" }'),
    ("`use glassbox::prelude::*`", "use glassbox::prelude::*;"),
    ("first figure cell", FIGURE),
    ("later cell: arithmetic", "let answer = 6 * 7;\nanswer"),
    ("later cell: another figure", "heat.clone()"),
    ("later cell: println", 'println!("{}", heat.summary());'),
]


def run_cell(kc, code):
    start = time.monotonic()
    reply = kc.execute_interactive(code, timeout=1800, output_hook=lambda msg: None)
    seconds = time.monotonic() - start
    if reply["content"]["status"] != "ok":
        raise SystemExit(f"cell failed: {code!r}: {reply['content']}")
    return seconds


def measure():
    t0 = time.monotonic()
    km, kc = start_new_kernel(kernel_name=notebook_runner.KERNEL_NAME, startup_timeout=600,
                              cwd=str(ROOT / "notebooks"))
    try:
        rows = [("kernel start", time.monotonic() - t0)]
        for name, code in STEPS:
            rows.append((name, run_cell(kc, code)))
            if name == "first figure cell":
                rows.append(("= time to first plot", time.monotonic() - t0))
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=1)
    args = ap.parse_args()
    with notebook_runner.evcxr_build_dir():
        for run in range(1, args.runs + 1):
            print(f"run {run}:")
            for name, seconds in measure():
                print(f"  {name:32s} {seconds:7.2f} s", flush=True)


if __name__ == "__main__":
    main()
