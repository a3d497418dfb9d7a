"""One page of a partition's items by sort-key prefix, oldest key first: the listings' one Query a page."""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import QueryError

from functions.shared.dal.errors import unavailable
from functions.shared.errors import BadRequest


def query_page(
    model: type[Any], partition: str, prefix: str, limit: int, start_key: dict[str, Any] | None, *, busy: str
) -> tuple[list[Any], dict[str, Any] | None]:
    """One Query; one item more than `limit` tells whether a next page exists. `busy`: the domain's message
    when DynamoDB fails."""
    try:
        items = list(
            model.query(partition, model.sk.startswith(prefix), limit=limit + 1, page_size=limit + 1, last_evaluated_key=start_key)
        )
    except QueryError as error:
        if start_key and error.cause_response_code == "ValidationException":
            raise BadRequest("nextToken does not fit this listing; start again without it.", field="nextToken") from error
        raise unavailable("DynamoDB", busy) from error
    page = items[:limit]
    next_key = {"pk": {"S": page[-1].pk}, "sk": {"S": page[-1].sk}} if len(items) > limit else None
    return page, next_key
