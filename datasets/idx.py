"""Reading and writing IDX files (the MNIST format) with the Python standard library only.

An IDX file is a 4-byte magic number (two zero bytes, an element-type code, the number of
dimensions), one big-endian uint32 per dimension, then the elements in row-major order. sau reads
only unsigned-byte files (type code 0x08): 0x00000801 for label vectors, 0x00000803 for stacks of
images. The .gz files are written with a zero timestamp and no file name, so rebuilding one gives
identical bytes.
"""

import gzip
import struct

UBYTE = 0x08


def read(path):
    """Returns (dims, data) of an unsigned-byte IDX file, raw or gzip-compressed."""
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    zero, dtype, ndim = struct.unpack(">HBB", raw[:4])
    if zero != 0 or dtype != UBYTE:
        raise ValueError(f"{path}: not an unsigned-byte IDX file (magic {raw[:4].hex()})")
    dims = list(struct.unpack(f">{ndim}I", raw[4:4 + 4 * ndim]))
    data = raw[4 + 4 * ndim:]
    count = 1
    for d in dims:
        count *= d
    if len(data) != count:
        raise ValueError(f"{path}: header says {dims} ({count} bytes) but the file holds {len(data)}")
    return dims, data


def write_gz(path, dims, data):
    """Writes an unsigned-byte IDX file compressed with gzip, deterministically."""
    count = 1
    for d in dims:
        count *= d
    if len(data) != count:
        raise ValueError(f"dims {dims} need {count} bytes, got {len(data)}")
    header = struct.pack(f">HBB{len(dims)}I", 0, UBYTE, len(dims), *dims)
    with open(path, "wb") as f:
        with gzip.GzipFile(filename="", mode="wb", fileobj=f, mtime=0, compresslevel=9) as gz:
            gz.write(header)
            gz.write(data)
