"""HTTP details the updates routes share: If-Match in (the versions it accepts), ETag out."""

from __future__ import annotations

import re
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Header
from pydantic import BaseModel

from functions.shared.api.responses import model_response
from functions.shared.entity_tags import MalformedIfMatch, strong_if_match_tags
from functions.shared.errors import BadRequest
from functions.shared.idempotency import REPLAYED_HEADER

IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        max_length=1024,
        description='The ETag you read (e.g. `"3"`; `"0"` for nothing recorded yet): refused with 412 if it changed since. '
        "Leave it out to change the latest version.",
    ),
]
_VERSION_TAG = re.compile(r"0|[1-9][0-9]{0,17}")


def expected_versions(if_match: str | None) -> frozenset[int] | None:
    """The versions If-Match accepts (RFC 9110, strong comparison): None for none given or `*`."""
    if if_match is None:
        return None
    try:
        tags = strong_if_match_tags(if_match)
    except MalformedIfMatch:
        raise BadRequest('If-Match must be "*" or quoted entity tags, e.g. "3" (the ETag you read).', field="If-Match") from None
    return None if tags is None else frozenset(int(tag) for tag in tags if _VERSION_TAG.fullmatch(tag))


def versioned(answer: BaseModel, version: int, status: int = 200, *, replayed: bool = False, location: str | None = None) -> Response:
    headers = {"ETag": f'"{version}"', **({REPLAYED_HEADER: "true"} if replayed else {}), **({"Location": location} if location else {})}
    return model_response(answer, status, headers)
