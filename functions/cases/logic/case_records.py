"""A case's updates and history, oldest first, a page at a time (a GetItem for access, one Query)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from functions.cases.logic.case_store import CaseStore
from functions.cases.logic.get_case import visible_case
from functions.cases.models.lifecycle import CaseUpdate, HistoryList, UpdateList
from functions.shared.auth import Caller
from functions.shared.page_token import PageTokenCodec


def list_updates(
    case_number: str, caller: Caller, *, limit: int, next_token: str | None, store: CaseStore, page_tokens: Callable[[], PageTokenCodec]
) -> UpdateList:
    """A customer's listing leaves out the updates only staff read (internal notes)."""

    def read_page(case_number: str, *, limit: int, start_key: dict[str, Any] | None) -> tuple[list[CaseUpdate], dict[str, Any] | None]:
        return store.list_updates(case_number, limit=limit, start_key=start_key, staff_view=caller.is_staff)

    items, token = _page("updates", read_page, case_number, caller, limit, next_token, store, page_tokens)
    return UpdateList(items=items, next_token=token)


def list_history(
    case_number: str, caller: Caller, *, limit: int, next_token: str | None, store: CaseStore, page_tokens: Callable[[], PageTokenCodec]
) -> HistoryList:
    items, token = _page("history", store.list_history, case_number, caller, limit, next_token, store, page_tokens)
    return HistoryList(items=items, next_token=token)


Record = TypeVar("Record")


class ReadPage(Protocol[Record]):
    def __call__(self, case_number: str, *, limit: int, start_key: dict[str, Any] | None) -> tuple[list[Record], dict[str, Any] | None]: ...


def _page(
    listing: str,
    read_page: ReadPage[Record],
    case_number: str,
    caller: Caller,
    limit: int,
    next_token: str | None,
    store: CaseStore,
    page_tokens: Callable[[], PageTokenCodec],
) -> tuple[list[Record], str | None]:
    visible_case(case_number, caller, store=store)
    scope = f"{caller.user_id}|{listing}|{case_number}"
    start_key = page_tokens().decode(next_token, scope=scope) if next_token else None
    items, next_key = read_page(case_number, limit=limit, start_key=start_key)
    return items, page_tokens().encode(next_key, scope=scope) if next_key else None
