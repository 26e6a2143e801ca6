"""Converts scikit-learn's breast-cancer data to `breast_cancer.csv` (run once; output committed).

Run with the project's venv:  /work/pyenv/bin/python convert_breast_cancer.py
Pinned: the scikit-learn version is printed and recorded in README.md beside the CSV.
Values are written with 6 significant digits, which reproduces scikit-learn's float64 values exactly
(its own bundled CSV has at most 6); checked: max |difference| = 0.0.
"""

import csv
import pathlib

import sklearn
from sklearn.datasets import load_breast_cancer

out = pathlib.Path(__file__).with_name("breast_cancer.csv")
data = load_breast_cancer()
with out.open("w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    # target: 0 = malignant, 1 = benign (scikit-learn's encoding)
    w.writerow(list(data.feature_names) + ["target"])
    for row, target in zip(data.data, data.target):
        w.writerow([f"{v:.6g}" for v in row] + [int(target)])
print(f"scikit-learn {sklearn.__version__}: wrote {out} ({len(data.target)} rows, "
      f"{len(data.feature_names)} features, classes {list(data.target_names)})")
