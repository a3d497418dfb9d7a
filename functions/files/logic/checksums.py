"""CRC32 checksums as S3 writes them (x-amz-checksum-crc32: base64 of the 4 big-endian bytes), and the
combination of the parts' CRC32 values into the whole file's.

crc32_combine comes from zlib-ng (Python's zlib does not expose it), which fits the layer. Measured
(cp311 wheels; import = import plus a first combine; 10,000 parts of 8 MiB combined, x86_64):
  zlib-ng 1.1.0: wheel 121 KB arm64, 0.4 MB installed, import 1.6 ms, 3 ms
  the hand-written zlib algorithm it replaced: import 0.9 ms, 131 ms
  awscrt 0.38.0 (combine_crc32): wheel 4.1 MB arm64, 11 MB installed, import 52 ms: too big for the layer
  isal 1.9.1: 1.2 MB installed; anycrc 2.1.0: 1.9 MB installed (both combine too)
The layer holds 22 MB; zlib-ng adds 2%.
"""

from __future__ import annotations

import base64
import binascii

from zlib_ng import zlib_ng


def to_base64(crc: int) -> str:
    return base64.b64encode((crc & 0xFFFFFFFF).to_bytes(4, "big")).decode()


def from_base64(value: str) -> int:
    raw = base64.b64decode(value, validate=True)
    if len(raw) != 4:
        raise binascii.Error("a CRC32 checksum is 4 bytes")
    return int.from_bytes(raw, "big")


def crc32_combine(crc1: int, crc2: int, len2: int) -> int:
    """The CRC32 of A + B from crc1 = crc32(A), crc2 = crc32(B) and len2 = len(B)."""
    if len2 < 0:
        raise ValueError("len2 must be >= 0")  # zlib-ng loops forever on a negative length
    return zlib_ng.crc32_combine(crc1 & 0xFFFFFFFF, crc2 & 0xFFFFFFFF, len2)


def combined_crc32(parts: list[tuple[int, int]]) -> int:
    """The whole file's CRC32 from its parts' (crc32, length), in part order."""
    whole = 0  # crc32(b"")
    for crc, length in parts:
        whole = crc32_combine(whole, crc, length)
    return whole
