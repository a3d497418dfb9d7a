"""The storage facts the files domain is built on: S3's multipart limits and the one checksum algorithm."""

from __future__ import annotations

MIB = 2**20
GIB = 2**30
# S3's documented limits (Amazon S3 User Guide, "Amazon S3 multipart upload limits"): an object is at
# most 5 TiB, in at most 10,000 parts of 5 MiB to 5 GiB each (the last part may be smaller).
MAX_OBJECT_SIZE = 5 * 2**40
MAX_PARTS = 10_000
MIN_PART_SIZE = 5 * MIB
MAX_PART_SIZE = 5 * GIB
# Files are checked with CRC32 end to end: S3 computes it on every part and on the whole object.
ALGORITHM = "CRC32"
