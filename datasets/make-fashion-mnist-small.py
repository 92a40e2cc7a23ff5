#!/usr/bin/env python3
"""Builds datasets/fashion-mnist-small/, the Fashion-MNIST subset that ships with sau.

It takes the first 10,000 training and the first 2,000 test images (and their labels) of the full
set, in the original order, and writes them with the standard file names. The output is
byte-for-byte reproducible.

    python3 datasets/make-fashion-mnist-small.py [FULL_DIR] [OUT_DIR]

FULL_DIR defaults to /usr/share/datasets/fashion-mnist (Debian package dataset-fashion-mnist),
OUT_DIR to datasets/fashion-mnist-small next to this script.
"""

import collections
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import idx  # noqa: E402

TRAIN, TEST = 10_000, 2_000
CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
           "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]


def subset(src_dir, out_dir, prefix, n):
    dims, images = idx.read(os.path.join(src_dir, f"{prefix}-images-idx3-ubyte.gz"))
    ldims, labels = idx.read(os.path.join(src_dir, f"{prefix}-labels-idx1-ubyte.gz"))
    if dims[0] < n or ldims[0] != dims[0]:
        raise SystemExit(f"{src_dir}: expected at least {n} {prefix} images with as many labels")
    pixels = dims[1] * dims[2]
    idx.write_gz(os.path.join(out_dir, f"{prefix}-images-idx3-ubyte.gz"), [n] + dims[1:], images[:n * pixels])
    idx.write_gz(os.path.join(out_dir, f"{prefix}-labels-idx1-ubyte.gz"), [n], labels[:n])
    counts = collections.Counter(labels[:n])
    print(f"{prefix}: {n} images; per class: " +
          ", ".join(f"{CLASSES[c]} {counts[c]}" for c in range(len(CLASSES))))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    src_dir = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/datasets/fashion-mnist"
    out_dir = sys.argv[2] if len(sys.argv) > 2 else os.path.join(here, "fashion-mnist-small")
    os.makedirs(out_dir, exist_ok=True)
    subset(src_dir, out_dir, "train", TRAIN)
    subset(src_dir, out_dir, "t10k", TEST)


if __name__ == "__main__":
    main()
