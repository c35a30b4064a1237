"""IDX files: what is written reads back, and no bytes make the reader crash or guess."""

import gzip
import struct
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from loopcast.data.idx import idx_bytes, parse_idx, read_idx, write_idx

# The machine runs other suites too; a slow example is not a failure.
relaxed = settings(deadline=None)

byte_arrays = hnp.arrays(np.uint8, hnp.array_shapes(min_dims=1, max_dims=4, min_side=0, max_side=6))


def test_mnist_magic_numbers() -> None:
    assert idx_bytes(np.zeros(3, np.uint8))[:4] == bytes.fromhex("00000801")
    assert idx_bytes(np.zeros((2, 28, 28), np.uint8))[:4] == bytes.fromhex("00000803")
    assert idx_bytes(np.zeros((2, 28, 28), np.uint8))[4:8] == struct.pack(">I", 2)


def test_round_trip_through_plain_and_gzipped_files(tmp_path: Path) -> None:
    images = np.arange(3 * 28 * 28, dtype=np.uint8).reshape(3, 28, 28)
    write_idx(tmp_path / "images", images)
    (tmp_path / "images.gz").write_bytes(gzip.compress((tmp_path / "images").read_bytes()))
    for name in ("images", "images.gz"):
        read = read_idx(tmp_path / name)
        assert read.dtype == np.uint8 and np.array_equal(read, images)
        read[0, 0, 0] = 1  # writable: torch.from_numpy warns about read-only arrays


@relaxed
@given(byte_arrays)
def test_any_byte_array_round_trips(array: np.ndarray) -> None:
    assert np.array_equal(parse_idx(idx_bytes(array)), array)


@relaxed
@given(st.binary(max_size=80))
def test_any_bytes_parse_or_raise_value_error(blob: bytes) -> None:
    try:
        array = parse_idx(blob)
    except ValueError:
        return
    assert array.dtype == np.uint8 and array.size == len(blob) - 4 - 4 * array.ndim


@relaxed
@given(byte_arrays, st.data())
def test_truncated_or_padded_files_are_refused(array: np.ndarray, data: st.DataObject) -> None:
    raw = idx_bytes(array)
    cut = data.draw(st.integers(0, len(raw) - 1), label="cut")
    with pytest.raises(ValueError, match=r"too short|truncated"):
        parse_idx(raw[:cut])
    with pytest.raises(ValueError, match="truncated or corrupt"):
        parse_idx(raw + b"\0")


@relaxed
@given(tail=st.binary(max_size=80))
def test_broken_gzip_is_a_value_error(
    tmp_path_factory: pytest.TempPathFactory, tail: bytes
) -> None:
    path = tmp_path_factory.getbasetemp() / "broken.gz"  # one file, rewritten by each example
    path.write_bytes(b"\x1f\x8b" + tail)
    with pytest.raises(ValueError):
        read_idx(path)


def test_bad_magic_says_what_it_expected() -> None:
    with pytest.raises(ValueError, match="0x00000803"):
        parse_idx(b"PK\x03\x04" + bytes(100), "images.zip")


def test_values_that_do_not_fit_a_byte_are_refused() -> None:
    with pytest.raises(ValueError, match=r"0\.\.255"):
        idx_bytes(np.array([0, 256]))
    with pytest.raises(ValueError, match=r"0\.\.255"):
        idx_bytes(np.array([0.5]))
    with pytest.raises(ValueError, match="scalar"):
        idx_bytes(np.uint8(3))
    assert parse_idx(idx_bytes(np.array([0, 9], dtype=np.int64))).tolist() == [0, 9]
