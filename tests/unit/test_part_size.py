"""The part layout fits any size up to S3's maximum object size, and the CRC32 combination is zlib's."""

import zlib

from hypothesis import example, given
from hypothesis import strategies as st

from functions.files.logic.checksums import combined_crc32, crc32_combine, from_base64, to_base64
from functions.files.logic.parts import part_count, part_length, part_size
from functions.files.models.limits import MAX_OBJECT_SIZE, MAX_PART_SIZE, MAX_PARTS, MIB, MIN_PART_SIZE


@given(st.integers(min_value=0, max_value=MAX_OBJECT_SIZE))
@example(0)
@example(1)
@example(8 * MIB)
@example(8 * MIB + 1)
@example(8 * MIB * MAX_PARTS)
@example(8 * MIB * MAX_PARTS + 1)
@example(MAX_OBJECT_SIZE - 1)
@example(MAX_OBJECT_SIZE)
def test_every_size_fits_in_s3s_part_limits(size):
    chosen = part_size(size)
    count = part_count(size, chosen)

    assert MIN_PART_SIZE <= chosen <= MAX_PART_SIZE
    assert chosen % MIB == 0
    assert 1 <= count <= MAX_PARTS
    assert chosen * count >= size
    last = part_length(size, chosen, count)
    assert 0 < last <= chosen or size == last == 0
    assert (count - 1) * chosen + last == size
    assert part_length(size, chosen, 1) == (chosen if count > 1 else size)


@given(st.integers(min_value=0, max_value=MAX_OBJECT_SIZE))
def test_the_part_size_is_the_smallest_mib_multiple_of_the_rule(size):
    chosen = part_size(size)
    # One MiB less would either drop below 8 MiB or need more than 10,000 parts.
    assert chosen == 8 * MIB or -(-size // (chosen - MIB)) > MAX_PARTS


def test_files_below_80_gb_use_8_mib_parts_and_5_tib_fits():
    assert part_size(0) == part_size(8 * MIB * MAX_PARTS) == 8 * MIB
    assert part_size(MAX_OBJECT_SIZE) == 525 * MIB
    assert part_count(MAX_OBJECT_SIZE, 525 * MIB) == 9987


@given(st.binary(max_size=4096), st.binary(max_size=4096))
@example(b"", b"")
@example(b"abc", b"")
@example(b"", b"abc")
def test_crc32_combine_is_the_crc_of_the_concatenation(first, second):
    assert crc32_combine(zlib.crc32(first), zlib.crc32(second), len(second)) == zlib.crc32(first + second)


@given(st.lists(st.binary(max_size=2048), max_size=8))
def test_parts_combine_into_the_whole_files_crc(parts):
    assert combined_crc32([(zlib.crc32(part), len(part)) for part in parts]) == zlib.crc32(b"".join(parts))


@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_checksums_round_trip_through_s3s_base64(crc):
    assert from_base64(to_base64(crc)) == crc
    assert len(to_base64(crc)) == 8
