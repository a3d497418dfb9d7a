"""If-Match as RFC 9110 (section 13.1.1) defines it: `*`, or a list of entity tags of which any may match,
compared strongly (a weak tag never matches). Only a value outside that syntax is malformed."""

from __future__ import annotations

import re

# entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE; etagc = %x21 / %x23-7E / obs-text (section 8.8.3).
_ENTITY_TAG = r'(?:W/)?"[\x21\x23-\x7e\x80-\xff]*"'
# 1#entity-tag with the OWS around commas and the empty list elements a recipient must accept (section 5.6.1).
_ENTITY_TAG_LIST = re.compile(rf"[ \t,]*{_ENTITY_TAG}(?:[ \t]*,[ \t,]*{_ENTITY_TAG})*[ \t,]*")
_STRONG_OR_WEAK = re.compile(r'(W/)?"([^"]*)"')


class MalformedIfMatch(ValueError):
    """The header is neither `*` nor a list of entity tags."""


def strong_if_match_tags(header: str) -> frozenset[str] | None:
    """None for `*` (any current representation matches); otherwise the opaque tags (without quotes) of the
    strong entity tags listed: the only ones that can match, as If-Match uses the strong comparison."""
    value = header.strip(" \t")
    if value == "*":
        return None
    if not _ENTITY_TAG_LIST.fullmatch(value):
        raise MalformedIfMatch(header)
    return frozenset(opaque for weak, opaque in _STRONG_OR_WEAK.findall(value) if not weak)

