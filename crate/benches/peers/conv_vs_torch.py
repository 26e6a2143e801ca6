"""glassbox vs PyTorch CPU on VGG16's convolution stack at 224², both on the same thread count.

For every case it runs the glassbox side through the criterion bench binary in peer mode (one
JSON line), then the same case in PyTorch, so both see the same machine load, and prints
seconds, GFLOP/s and the ratio glassbox / PyTorch (< 1 means glassbox is faster). From the
repository root:

    /work/pyenv/bin/python crate/benches/peers/conv_vs_torch.py [--threads 2] [--batches 1,8] [--reps 3]

FLOPs count 2 per multiply-add of the 13 convolutions only (ReLU and pooling are free in the
count); forward+input_grad counts 2× forward, +weight_grads 3×.
"""

import argparse
import json
import os
import subprocess
import time

import torch
import torch.nn.functional as F

VGG16 = [64, 64, 0, 128, 128, 0, 256, 256, 256, 0, 512, 512, 512, 0, 512, 512, 512, 0]


def glassbox_times(threads, batches, reps, cases):
    env = dict(os.environ, GLASSBOX_PEER="1", RAYON_NUM_THREADS=str(threads), GLASSBOX_PEER_WARMUP=str(WARMUP),
               GLASSBOX_BENCH_BATCHES=batches, GLASSBOX_PEER_REPS=str(reps),
               GLASSBOX_PEER_CASES=",".join(cases))
    out = subprocess.run(["cargo", "bench", "-q", "-p", "glassbox", "--bench", "conv"],
                         env=env, check=True, capture_output=True, text=True).stdout
    rows = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    return {(r["case"], r["batch"]): r for r in rows}


def torch_stack():
    torch.manual_seed(0)
    layers, c_in = [], 3
    for c in VGG16:
        if c:
            conv = torch.nn.Conv2d(c_in, c, 3, padding=1)
            layers += [conv, torch.nn.ReLU()]
            c_in = c
        else:
            layers.append(torch.nn.MaxPool2d(2, 2))
    return torch.nn.Sequential(*layers)


WARMUP = 3


def torch_time(net, case, batch, reps):
    x = torch.randn(batch, 3, 224, 224)
    for p in net.parameters():
        p.requires_grad_(case.endswith("weight_grads"))

    def run():
        if case == "forward":
            with torch.no_grad():
                return net(x)[0, 0, 0, 0].item()
        xg = x.clone().requires_grad_()
        net(xg).sum().backward()
        return xg.grad[0, 0, 0, 0].item()

    for _ in range(WARMUP):  # oneDNN caches its primitives: its first passes are slower
        run()
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        run()
        times.append(time.perf_counter() - t)
    times.sort()
    return times[len(times) // 2]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batches", default="1,8")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--cases", default="forward,forward+input_grad,forward+input_grad+weight_grads")
    args = ap.parse_args()
    cases = args.cases.split(",")
    torch.set_num_threads(args.threads)
    net = torch_stack()
    print(f"VGG16 conv stack, 224², {args.threads} threads, median of {args.reps} "
          f"(torch {torch.__version__})")
    print(f"{'case':34} {'batch':>5} {'glassbox s':>11} {'GFLOP/s':>8} {'torch s':>9} {'GFLOP/s':>8} {'ratio':>6}")
    for batch in [int(b) for b in args.batches.split(",")]:
        for case in cases:
            g = glassbox_times(args.threads, str(batch), args.reps, [case])[(case, batch)]
            t = torch_time(net, case, batch, args.reps)
            print(f"{case:34} {batch:>5} {g['median_s']:>11.3f} {g['gflop'] / g['median_s']:>8.1f} "
                  f"{t:>9.3f} {g['gflop'] / t:>8.1f} {g['median_s'] / t:>6.2f}", flush=True)


if __name__ == "__main__":
    main()
