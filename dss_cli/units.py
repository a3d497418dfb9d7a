"""Sizes as people write them (--limit-rate 4M) and read them (1.5 MiB); binary units."""

from __future__ import annotations

import re
from typing import Any

UNITS = {
    "": 1,
    "B": 1,
    "K": 1 << 10,
    "KB": 1 << 10,
    "KIB": 1 << 10,
    "M": 1 << 20,
    "MB": 1 << 20,
    "MIB": 1 << 20,
    "G": 1 << 30,
    "GB": 1 << 30,
    "GIB": 1 << 30,
}


def parse_size(text: str) -> int:
    """'4M', '512k', '1.5GiB', '1000' (bytes; binary units)."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([A-Za-z]*)\s*", text)
    if not match or match.group(2).upper() not in UNITS:
        raise ValueError(f"not a size: {text!r} (examples: 500K, 4M, 1G)")
    value = int(float(match.group(1)) * UNITS[match.group(2).upper()])
    if value <= 0:
        raise ValueError(f"must be positive: {text!r}")
    return value


def human_size(size: Any) -> str:
    """An API's byte count for a table; anything that is not a count as it came."""
    if not isinstance(size, int):
        return str(size)
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if value < 1024 or unit == "TiB":
            return f"{size} B" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable: the loop returns at TiB")
