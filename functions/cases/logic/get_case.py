"""Reading one case: customers see their account's cases only; staff see every account's."""

from __future__ import annotations

from functions.cases.logic.case_store import CaseStore
from functions.cases.models.case import Case
from functions.shared.auth import Caller
from functions.shared.errors import NotFound


def visible_case(case_number: str, caller: Caller, *, store: CaseStore) -> Case:
    """The case if the caller may see it; every route on a case starts here."""
    return visible(case_number, store.get_case(case_number), caller)


def visible(case_number: str, case: Case | None, caller: Caller) -> Case:
    # Another account's case answers exactly like a missing one: its existence is not disclosed.
    if case is None or (not caller.is_staff and case.account_id != caller.account_id):
        raise NotFound(f"Case {case_number} was not found among your account's cases; check the number.", field="caseNumber")
    return case
