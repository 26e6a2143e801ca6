"""Measures the kernel as a user feels it: a fresh "Rust · glassbox" kernel in notebooks/, then
the quickstart's first cells one by one, printing the wall time of each step.

    .venv/bin/python tests/e2e/measure_kernel.py [--runs 2]

"time to first plot" = kernel start + `:dep glassbox` + `use` + the first figure cell.

    .venv/bin/python tests/e2e/measure_kernel.py --derive [--runs 2]

times 08-your-model's first cells instead: a `#[derive(Explain)]` struct compiled by evcxr, built
and summarised (the derive's cost as a notebook user feels it).
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

DERIVE = """#[derive(Explain, Clone, Debug)]
#[explain(input = [1, 28, 28], classes = 10)]
struct DigitNet {
    #[explain(relu)]
    conv1: Conv2d<1, 16, 3, 1, 1>,
    pool1: MaxPool2d<2, 2>,
    #[explain(relu)]
    conv2: Conv2d<16, 32, 3, 1, 1>,
    gap: GlobalAvgPool,
    fc: Linear<32, 10>,
}
let net: DigitNet = DigitNet::seeded(0);
net.summary()"""
DERIVE_STEPS = [
    ("`:dep glassbox`", ':dep glassbox = { path = "../crate" }'),
    ("`use` lines", "use glassbox::prelude::*;\nuse glassbox::models::Linear;\n"
                    "use glassbox::nn::{Conv2d, GlobalAvgPool, MaxPool2d};"),
    ("derive cell (struct + summary)", DERIVE),
    ("later cell: Grad-CAM of the derived net",
     'let x: glassbox::Activation = glassbox::data::mnist()?.test.image(0)?;\n'
     'GradCam::new(&net, "conv2").explain(&x, Target::Predicted)?.values().len()'),
]


def run_cell(kc, code):
    start = time.monotonic()
    reply = kc.execute_interactive(code, timeout=1800, output_hook=lambda msg: None)
    seconds = time.monotonic() - start
    if reply["content"]["status"] != "ok":
        raise SystemExit(f"cell failed: {code!r}: {reply['content']}")
    return seconds


def measure(steps):
    t0 = time.monotonic()
    km, kc = start_new_kernel(kernel_name=notebook_runner.KERNEL_NAME, startup_timeout=600,
                              cwd=str(ROOT / "notebooks"))
    try:
        rows = [("kernel start", time.monotonic() - t0)]
        for name, code in steps:
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
    ap.add_argument("--derive", action="store_true", help="time 08-your-model's derive cells")
    args = ap.parse_args()
    steps = DERIVE_STEPS if args.derive else STEPS
    with notebook_runner.evcxr_build_dir():
        for run in range(1, args.runs + 1):
            print(f"run {run}:")
            for name, seconds in measure(steps):
                print(f"  {name:32s} {seconds:7.2f} s", flush=True)


if __name__ == "__main__":
    main()
