"""CRC32 (zlib's, S3's `x-amz-checksum-crc32`) of files, parts and their combinations.

The upload needs the whole file's CRC before it starts and every part's CRC before that part's URL is
signed, yet the part size is only known from the start answer. One pass over the file computes the
CRC of every 1 MiB block (the contract's part sizes are whole MiB); a part's CRC and the file's CRC are
then combinations of block CRCs (crc32_combine, as zlib does it), without reading the file again.
"""

from __future__ import annotations

import base64
import os
import zlib
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache

BLOCK_SIZE = 1 << 20  # 1 MiB
POLY = 0xEDB88320  # CRC-32 (ISO-HDLC), reflected, as zlib


def to_b64(crc: int) -> str:
    """S3's format: base64 of the 4 big-endian bytes."""
    return base64.b64encode((crc & 0xFFFFFFFF).to_bytes(4, "big")).decode()


def from_b64(value: str) -> int:
    raw = base64.b64decode(value, validate=True)
    if len(raw) != 4:
        raise ValueError(f"not a base64 CRC32: {value!r}")
    return int.from_bytes(raw, "big")


# --- crc32_combine: zlib's algorithm (multiplication modulo the CRC polynomial, reflected) ----------


def _multmodp(a: int, b: int) -> int:
    """a * b modulo the CRC polynomial, in zlib's reflected bit order (x^0 is the top bit)."""
    m, p = 1 << 31, 0
    while True:
        if a & m:
            p ^= b
            if (a & (m - 1)) == 0:
                break
        m >>= 1
        b = (b >> 1) ^ POLY if b & 1 else b >> 1
    return p


@lru_cache(maxsize=1)
def _x2n_table() -> tuple[int, ...]:
    """x^(2^n) modulo the polynomial, n = 0..31."""
    table, p = [], 1 << 30  # x^1
    for _ in range(32):
        table.append(p)
        p = _multmodp(p, p)
    return tuple(table)


def _x8nmodp(n: int) -> int:
    """x^(8n) modulo the polynomial: the shift of a CRC by n zero bytes."""
    p, k, table = 1 << 31, 3, _x2n_table()  # x^0; start at x^(2^3) = one byte
    while n:
        if n & 1:
            p = _multmodp(table[k & 31], p)
        n >>= 1
        k += 1
    return p


def crc32_combine(crc1: int, crc2: int, len2: int) -> int:
    """CRC of A+B from crc(A), crc(B) and len(B), as zlib's crc32_combine."""
    return _multmodp(_x8nmodp(len2), crc1) ^ crc2


class _Shifter:
    """crc32_combine for one fixed len2, as four byte tables: a combination costs four lookups."""

    def __init__(self, length: int):
        op = _x8nmodp(length)
        self.tables = [[_multmodp(op, byte << (8 * i)) for byte in range(256)] for i in range(4)]

    def combine(self, crc1: int, crc2: int) -> int:
        t0, t1, t2, t3 = self.tables
        return t0[crc1 & 255] ^ t1[(crc1 >> 8) & 255] ^ t2[(crc1 >> 16) & 255] ^ t3[crc1 >> 24] ^ crc2


@lru_cache(maxsize=4)
def _shifter(length: int) -> _Shifter:
    return _Shifter(length)


# --- parts ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartRange:
    number: int  # 1-based, as S3
    offset: int
    length: int


def part_ranges(size: int, part_size: int, part_count: int | None = None) -> list[PartRange]:
    """Every part is part_size bytes except the last; a 0-byte file is one 0-byte part."""
    if part_size <= 0:
        raise ValueError("part size must be positive")
    count = max(1, -(-size // part_size))
    if part_count is not None and part_count != count:
        raise ValueError(f"{part_count} parts of {part_size} bytes cannot hold {size} bytes")
    return [PartRange(n, (n - 1) * part_size, min(part_size, size - (n - 1) * part_size)) for n in range(1, count + 1)]


@dataclass
class FileDigest:
    """The CRC of every BLOCK_SIZE block of a file (the last one may be shorter)."""

    size: int
    blocks: array  # of unsigned 32-bit CRCs

    @property
    def crc(self) -> int:
        return self.range_crc(0, self.size)

    def range_crc(self, offset: int, length: int) -> int:
        """CRC of [offset, offset+length) when both ends fall on block boundaries (or the end of file)."""
        end = offset + length
        if offset % BLOCK_SIZE or (end % BLOCK_SIZE and end != self.size) or end > self.size:
            raise ValueError(f"range {offset}+{length} is not made of whole {BLOCK_SIZE}-byte blocks")
        first, last = offset // BLOCK_SIZE, -(-end // BLOCK_SIZE)
        crc, full = 0, _shifter(BLOCK_SIZE)
        for index in range(first, last):
            block_length = min(BLOCK_SIZE, self.size - index * BLOCK_SIZE)
            crc = (
                full.combine(crc, self.blocks[index])
                if block_length == BLOCK_SIZE
                else crc32_combine(crc, self.blocks[index], block_length)
            )
        return crc

    def part_crcs(self, parts: list[PartRange]) -> dict[int, int] | None:
        """Each part's CRC, or None when the parts do not fall on block boundaries."""
        try:
            return {part.number: self.range_crc(part.offset, part.length) for part in parts}
        except ValueError:
            return None


def read_blocks(fd: int, offset: int, length: int, block_size: int = BLOCK_SIZE) -> Iterator[bytes]:
    end = offset + length
    while offset < end:
        data = os.pread(fd, min(block_size, end - offset), offset)
        if not data:
            raise OSError(f"the file ended at byte {offset}, expected {end}: was it changed during the upload?")
        offset += len(data)
        yield data


def digest_file(path: str | os.PathLike, size: int | None = None, on_progress: Callable[[int], None] | None = None) -> FileDigest:
    """One streaming read of the file; memory is one block."""
    fd = os.open(path, os.O_RDONLY)
    try:
        size = os.fstat(fd).st_size if size is None else size
        blocks = array("I")
        for data in read_blocks(fd, 0, size):
            blocks.append(zlib.crc32(data))
            if on_progress:
                on_progress(len(data))
        return FileDigest(size, blocks)
    finally:
        os.close(fd)
