"""dss CLI: CRC32 in S3's format, crc32_combine, part ranges and the one-pass digest of a file."""

from __future__ import annotations

import os
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dss_cli.checksums import BLOCK_SIZE, PartRange, crc32_combine, digest_file, from_b64, part_ranges, to_b64

MiB = 1 << 20


def test_s3_checksum_format_is_base64_of_the_big_endian_crc():
    assert zlib.crc32(b"hello") == 0x3610A686
    assert to_b64(0x3610A686) == "NhCmhg=="
    assert to_b64(0) == "AAAAAA=="  # the empty file
    assert from_b64("NhCmhg==") == 0x3610A686


@pytest.mark.parametrize("value", ["", "AAAA", "not base64!", "AAAAAAAA"])
def test_a_value_that_is_not_a_crc32_is_refused(value):
    with pytest.raises(ValueError):
        from_b64(value)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300), st.binary(max_size=300))
def test_crc32_combine_equals_the_crc_of_the_concatenation(first, second):
    assert crc32_combine(zlib.crc32(first), zlib.crc32(second), len(second)) == zlib.crc32(first + second)


@pytest.mark.parametrize("length", [0, 1, 7, BLOCK_SIZE, 3 * BLOCK_SIZE + 5, 64 * MiB + 3])
def test_crc32_combine_with_long_second_parts(length):
    head, tail = os.urandom(100), os.urandom(length)
    assert crc32_combine(zlib.crc32(head), zlib.crc32(tail), length) == zlib.crc32(head + tail)


@pytest.mark.parametrize(
    ("size", "part_size", "expected"),
    [
        (0, 8 * MiB, [PartRange(1, 0, 0)]),
        (1, 8 * MiB, [PartRange(1, 0, 1)]),
        (8 * MiB, 8 * MiB, [PartRange(1, 0, 8 * MiB)]),
        (8 * MiB + 1, 8 * MiB, [PartRange(1, 0, 8 * MiB), PartRange(2, 8 * MiB, 1)]),
        (20 * MiB, 8 * MiB, [PartRange(1, 0, 8 * MiB), PartRange(2, 8 * MiB, 8 * MiB), PartRange(3, 16 * MiB, 4 * MiB)]),
    ],
)
def test_part_ranges(size, part_size, expected):
    assert part_ranges(size, part_size) == expected
    assert part_ranges(size, part_size, len(expected)) == expected


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=5 * 1024**4), st.integers(min_value=5, max_value=5 * 1024).map(lambda m: m * MiB))
def test_part_ranges_cover_the_file_exactly_once(size, part_size):
    if -(-size // part_size) > 100_000:
        return  # not a real upload (the API keeps to 10,000 parts); keeps the test fast
    parts = part_ranges(size, part_size)
    assert [p.number for p in parts] == list(range(1, len(parts) + 1))
    assert sum(p.length for p in parts) == size
    assert all(p.offset == (p.number - 1) * part_size for p in parts)
    assert all(p.length == part_size for p in parts[:-1])
    assert 0 <= parts[-1].length <= part_size and (parts[-1].length > 0 or size == 0)


def test_part_ranges_refuse_a_count_that_does_not_fit_the_size():
    with pytest.raises(ValueError, match="cannot hold"):
        part_ranges(20 * MiB, 8 * MiB, 2)
    with pytest.raises(ValueError):
        part_ranges(1, 0)


@pytest.mark.parametrize("size", [0, 1, BLOCK_SIZE - 1, BLOCK_SIZE, 2 * BLOCK_SIZE + 12345, 5 * BLOCK_SIZE])
def test_one_read_gives_the_file_crc_and_every_part_crc(tmp_path, size):
    data = os.urandom(size)
    path = tmp_path / "f.bin"
    path.write_bytes(data)
    seen = []
    digest = digest_file(path, on_progress=seen.append)
    assert sum(seen) == size and all(n <= BLOCK_SIZE for n in seen)
    assert digest.crc == zlib.crc32(data)
    for part_size in (MiB, 2 * MiB, 3 * MiB, 8 * MiB):
        parts = part_ranges(size, part_size)
        crcs = digest.part_crcs(parts)
        assert crcs == {p.number: zlib.crc32(data[p.offset : p.offset + p.length]) for p in parts}


def test_parts_off_the_block_boundaries_have_no_crcs(tmp_path):
    path = tmp_path / "f.bin"
    path.write_bytes(os.urandom(3 * MiB))
    assert digest_file(path).part_crcs(part_ranges(3 * MiB, MiB + MiB // 2)) is None
