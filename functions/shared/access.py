"""Who may see a case, for every domain that serves something of a case: customers their own account's
cases, staff every account's (docs/architecture.md, Domain rules)."""

from __future__ import annotations

from typing import Protocol, TypeVar

from functions.shared.auth import Caller
from functions.shared.errors import NotFound


class OfAnAccount(Protocol):
    @property
    def account_id(self) -> str: ...


Visible = TypeVar("Visible", bound=OfAnAccount)


def visible(case_number: str, case: Visible | None, caller: Caller) -> Visible:
    # Another account's case answers exactly like a missing one: its existence is not disclosed.
    if case is None or (not caller.is_staff and case.account_id != caller.account_id):
        raise NotFound(f"Case {case_number} was not found among your account's cases; check the number.", field="caseNumber")
    return case
