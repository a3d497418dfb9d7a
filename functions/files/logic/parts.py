"""How the service cuts a file into S3 multipart parts: pure rules. The part layout is part of the API
contract (every upload answers with partSize and partCount); dss_cli implements the same rules on its
own, as any client may, since it must not import the service's code."""

from __future__ import annotations

from functions.files.models.limits import MAX_OBJECT_SIZE, MAX_PART_SIZE, MAX_PARTS, MIB, MIN_PART_SIZE

# Below 80 GB every file is cut into 8 MiB parts: large enough to keep requests few, small enough that a
# broken connection loses little and many parts can be in flight at once.
PREFERRED_PART_SIZE = 8 * MIB


def part_size(size: int) -> int:
    """The smallest multiple of 1 MiB that is at least max(8 MiB, size / 10,000), kept within 5 MiB..5 GiB:
    any size up to MAX_OBJECT_SIZE then fits in MAX_PARTS parts."""
    if not 0 <= size <= MAX_OBJECT_SIZE:
        raise ValueError(f"size must be 0..{MAX_OBJECT_SIZE} bytes")
    wanted = max(PREFERRED_PART_SIZE, -(-size // MAX_PARTS))
    return min(max(-(-wanted // MIB) * MIB, MIN_PART_SIZE), MAX_PART_SIZE)


def part_count(size: int, chosen_part_size: int) -> int:
    """At least one part: a 0-byte file is one 0-byte part."""
    return max(1, -(-size // chosen_part_size))


def part_length(size: int, chosen_part_size: int, part_number: int) -> int:
    """Every part is exactly the part size except the last, which holds the rest."""
    count = part_count(size, chosen_part_size)
    if not 1 <= part_number <= count:
        raise ValueError(f"part number must be 1..{count}")
    return chosen_part_size if part_number < count else size - (count - 1) * chosen_part_size
