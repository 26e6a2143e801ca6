"""Write `classes.txt`: the 1000 ImageNet-1k class names, one per line, index = line number - 1.

Source: timm 1.0.31 (PyPI wheel, Apache-2.0), files `timm/data/_info/imagenet_synsets.txt`
(the 1000 WordNet ids in the standard class order used by torchvision and timm) and
`imagenet_synset_to_lemma.txt` (WordNet lemmas). Line format: `<wnid>\t<lemmas>`.
Cross-checked against torchvision 0.29 `_IMAGENET_CATEGORIES` (first lemma equal, except where
torchvision disambiguates a duplicate name), e.g. 281 = "tabby, tabby cat", 282 = "tiger cat".

    pip download timm==1.0.31 --no-deps && unzip timm-1.0.31-*.whl 'timm/data/_info/*'
    python crate/assets/imagenet/make_classes.py timm/data/_info crate/assets/imagenet/classes.txt
"""
import sys

info, out = sys.argv[1], sys.argv[2]
synsets = [line.strip() for line in open(f"{info}/imagenet_synsets.txt") if line.strip()]
lemmas = dict(line.rstrip("\n").split("\t", 1) for line in open(f"{info}/imagenet_synset_to_lemma.txt"))
assert len(synsets) == 1000
with open(out, "w") as f:
    for wnid in synsets:
        f.write(f"{wnid}\t{lemmas[wnid]}\n")
try:
    from torchvision.models._meta import _IMAGENET_CATEGORIES as tv
    diff = [i for i, w in enumerate(synsets) if lemmas[w].split(", ")[0] != tv[i]]
    print(f"{len(diff)} first lemmas differ from torchvision's short names:", [(i, lemmas[synsets[i]], tv[i]) for i in diff[:5]])
except ImportError:
    pass
