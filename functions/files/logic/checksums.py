"""CRC32 checksums as S3 writes them (x-amz-checksum-crc32: base64 of the 4 big-endian bytes), and the
combination of the parts' CRC32 values into the whole file's."""

from __future__ import annotations

import base64
import binascii

_POLY = 0xEDB88320  # zlib's CRC-32 polynomial, reflected


def to_base64(crc: int) -> str:
    return base64.b64encode((crc & 0xFFFFFFFF).to_bytes(4, "big")).decode()


def from_base64(value: str) -> int:
    raw = base64.b64decode(value, validate=True)
    if len(raw) != 4:
        raise binascii.Error("a CRC32 checksum is 4 bytes")
    return int.from_bytes(raw, "big")


def _multmodp(a: int, b: int) -> int:
    """a(x) * b(x) modulo the CRC polynomial (bit-reflected, as zlib's crc32.c does it); `a` is never 0."""
    m, product = 1 << 31, 0
    while True:
        if a & m:
            product ^= b
            if not a & (m - 1):
                return product
        m >>= 1
        b = (b >> 1) ^ _POLY if b & 1 else b >> 1


def _powers_of_x() -> list[int]:
    """x^(2^k) modulo the polynomial for k = 0..31."""
    powers, power = [], 1 << 30  # x^1
    for _ in range(32):
        powers.append(power)
        power = _multmodp(power, power)
    return powers


_X2N = _powers_of_x()


def _x8nmodp(length: int) -> int:
    """x^(8 * length) modulo the polynomial: appending `length` zero bytes."""
    power, k = 1 << 31, 3  # x^0; 8 * length = 2^3 * length
    while length:
        if length & 1:
            power = _multmodp(_X2N[k & 31], power)
        length >>= 1
        k += 1
    return power


def crc32_combine(crc1: int, crc2: int, len2: int) -> int:
    """The CRC32 of A + B from crc1 = crc32(A), crc2 = crc32(B) and len2 = len(B): zlib's crc32_combine
    (zlib 1.2.12's x2nmodp form), which Python's zlib module does not expose."""
    if len2 < 0:
        raise ValueError("len2 must be >= 0")
    return _multmodp(_x8nmodp(len2), crc1 & 0xFFFFFFFF) ^ (crc2 & 0xFFFFFFFF)


def combined_crc32(parts: list[tuple[int, int]]) -> int:
    """The whole file's CRC32 from its parts' (crc32, length), in part order."""
    whole = 0  # crc32(b"")
    for crc, length in parts:
        whole = crc32_combine(whole, crc, length)
    return whole
