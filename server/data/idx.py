"""Read and write IDX files, the format MNIST ships in (big-endian dims, then uint8 data)."""

import gzip
import struct
from pathlib import Path

import numpy as np

UBYTE = 0x08


def read_idx(path: Path | str) -> np.ndarray:
    path = Path(path)
    raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    if len(raw) < 4:
        raise ValueError(f"{path}: too short to be an IDX file")
    zero, dtype, ndim = struct.unpack(">HBB", raw[:4])
    if zero != 0 or dtype != UBYTE or not 1 <= ndim <= 4:
        raise ValueError(f"{path}: not an unsigned-byte IDX file (bad magic {raw[:4].hex()})")
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise ValueError(f"{path}: truncated header")
    dims = struct.unpack(f">{ndim}I", raw[4:header])
    expected = int(np.prod(dims))
    if len(raw) - header != expected:
        raise ValueError(f"{path}: {len(raw) - header} data bytes, dims {dims} need {expected}")
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(dims)


def write_idx(path: Path | str, array: np.ndarray) -> None:
    data = np.ascontiguousarray(array, dtype=np.uint8)
    header = struct.pack(">HBB", 0, UBYTE, data.ndim) + struct.pack(f">{data.ndim}I", *data.shape)
    Path(path).write_bytes(header + data.tobytes())
