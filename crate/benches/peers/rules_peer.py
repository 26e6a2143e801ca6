"""scikit-learn's DecisionTreeClassifier on the same rows as `benches/rules.rs`, with ratios.

Run after `cargo bench -p glassbox --bench rules` (which writes target/rules-bench/credit_20k.csv
and criterion's estimates):  /work/pyenv/bin/python crate/benches/peers/rules_peer.py
Both sides run on this machine, one after the other; scikit-learn's tree fit is single-threaded.
"""

import json
import pathlib
import timeit

import numpy as np
import sklearn
from sklearn.tree import DecisionTreeClassifier

root = pathlib.Path(__file__).resolve().parents[3]


def load(path):
    raw = np.genfromtxt(path, delimiter=",", skip_header=1, dtype=str)
    x = raw[:, :-1].astype(np.float32)
    return x, np.unique(raw[:, -1], return_inverse=True)[1]


def ours(name):
    est = root / "target/criterion/cart_fit" / name / "new/estimates.json"
    return json.loads(est.read_text())["mean"]["point_estimate"] / 1e9


cases = [
    ("breast_cancer_depth4", root / "crate/assets/tabular/breast_cancer.csv", 4),
    ("credit_20k_depth6", root / "target/rules-bench/credit_20k.csv", 6),
]
print(f"scikit-learn {sklearn.__version__}")
for name, path, depth in cases:
    x, y = load(path)
    fit = lambda: DecisionTreeClassifier(max_depth=depth, random_state=0).fit(x, y)
    runs = timeit.repeat(fit, number=5, repeat=5)
    theirs = min(runs) / 5
    mine = ours(name)
    print(f"{name:>22}: glassbox {mine * 1e3:8.2f} ms   scikit-learn {theirs * 1e3:8.2f} ms   ratio {mine / theirs:5.2f}×")
