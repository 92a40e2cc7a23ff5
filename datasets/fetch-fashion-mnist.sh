#!/bin/sh
# Puts the full Fashion-MNIST (60,000 training and 10,000 test images) in datasets/fashion-mnist/.
#
#   datasets/fetch-fashion-mnist.sh          # from the Debian/Ubuntu package dataset-fashion-mnist
#   datasets/fetch-fashion-mnist.sh DIR      # from a directory holding the four IDX files
#
# Without DIR the script uses /usr/share/datasets/fashion-mnist/, installing the package with
# apt-get first if it is missing (as root, or through sudo). Elsewhere, download the four .gz
# files listed in datasets/README.md into a directory and pass it as DIR.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
out="$here/fashion-mnist"
files="train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte"
system_dir=/usr/share/datasets/fashion-mnist

if [ $# -ge 1 ]; then
    src=$1
else
    src=$system_dir
    if [ ! -d "$src" ]; then
        if ! command -v apt-get >/dev/null 2>&1; then
            echo "error: no DIR given and apt-get is not available to install dataset-fashion-mnist." >&2
            echo "Download the four files listed in datasets/README.md and run: $0 DIR" >&2
            exit 1
        fi
        sudo=""
        [ "$(id -u)" -eq 0 ] || sudo=sudo
        echo "installing the Debian package dataset-fashion-mnist (about 30 MB)..."
        $sudo apt-get update
        $sudo apt-get install -y dataset-fashion-mnist
    fi
fi

if [ ! -d "$src" ]; then
    echo "error: $src is not a directory" >&2
    exit 1
fi
mkdir -p "$out"
for f in $files; do
    if [ -f "$src/$f.gz" ]; then
        cp "$src/$f.gz" "$out/$f.gz"
    elif [ -f "$src/$f" ]; then
        gzip -n -c "$src/$f" >"$out/$f.gz"
    else
        echo "error: $src has neither $f.gz nor $f" >&2
        exit 1
    fi
done

# A quick check of every file's header and length, so a bad copy shows up now, not in training.
if command -v python3 >/dev/null 2>&1; then
    python3 - "$out" <<'PY'
import os, sys
sys.path.insert(0, os.path.join(os.path.dirname(sys.argv[1])))
import idx
for name in sorted(os.listdir(sys.argv[1])):
    dims, _ = idx.read(os.path.join(sys.argv[1], name))
    print(f"  {name}: {'x'.join(map(str, dims))}")
PY
fi
echo "Fashion-MNIST is in $out"
