"""Read and write IDX files, the format MNIST ships in: a magic number, big-endian sizes, bytes.

Only unsigned-byte IDX is handled, which is all MNIST and Fashion-MNIST use: labels have the
magic 0x00000801 (one dimension), images 0x00000803 (three). Gzipped files are read as well.
"""

import gzip
import math
import struct
import zlib
from pathlib import Path

import numpy as np
import numpy.typing as npt

UBYTE = 0x08
GZIP_MAGIC = b"\x1f\x8b"


def parse_idx(raw: bytes, name: str = "IDX data") -> npt.NDArray[np.uint8]:
    """The array held by the bytes of an IDX file; ValueError, naming `name`, when it is not one."""
    if len(raw) < 4:
        raise ValueError(f"{name}: {len(raw)} bytes is too short for an IDX file")
    zero, dtype, ndim = struct.unpack(">HBB", raw[:4])
    if zero != 0 or dtype != UBYTE or ndim == 0:
        raise ValueError(
            f"{name}: magic 0x{raw[:4].hex()} is not an unsigned-byte IDX file "
            "(MNIST labels start 0x00000801, images 0x00000803)"
        )
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise ValueError(f"{name}: truncated: {len(raw)} bytes, the header alone needs {header}")
    dims = struct.unpack(f">{ndim}I", raw[4:header])
    expected = math.prod(dims)  # exact: four uint32 sizes can overflow int64
    if len(raw) - header != expected:
        raise ValueError(
            f"{name}: truncated or corrupt: {len(raw) - header} data bytes, "
            f"but the sizes {dims} need {expected}"
        )
    # A copy, because an array over `bytes` is read-only and torch warns about those.
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(dims).copy()


def read_idx(path: Path | str) -> npt.NDArray[np.uint8]:
    """The array in an IDX file, plain or gzipped (told apart by their first bytes)."""
    path = Path(path)
    raw = path.read_bytes()
    if raw.startswith(GZIP_MAGIC):
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as error:
            raise ValueError(f"{path}: broken gzip data ({error})") from error
    return parse_idx(raw, str(path))


def idx_bytes(array: npt.ArrayLike) -> bytes:
    """The bytes of an unsigned-byte IDX file holding `array`, whose values must fit 0..255."""
    data = np.asarray(array)
    if data.ndim == 0:
        raise ValueError("an IDX file holds an array of at least one dimension, not a scalar")
    if data.dtype != np.uint8:
        if not np.issubdtype(data.dtype, np.integer):
            raise ValueError(f"IDX bytes must be integers in 0..255, not {data.dtype}")
        if data.size and (data.min() < 0 or data.max() > 255):
            raise ValueError("IDX bytes must be integers in 0..255; these overflow a byte")
        data = data.astype(np.uint8)
    header = struct.pack(">HBB", 0, UBYTE, data.ndim) + struct.pack(f">{data.ndim}I", *data.shape)
    return header + np.ascontiguousarray(data).tobytes()


def write_idx(path: Path | str, array: npt.ArrayLike) -> None:
    """Write `array` as an IDX file (not atomically: for tests and tools)."""
    Path(path).write_bytes(idx_bytes(array))
