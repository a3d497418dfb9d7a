"""Reading one case: customers see their account's cases only; staff see every account's."""

from __future__ import annotations

from functions.cases.logic.case_store import CaseStore
from functions.cases.models.case import Case
from functions.shared.access import visible
from functions.shared.auth import Caller


def visible_case(case_number: str, caller: Caller, *, store: CaseStore) -> Case:
    """The case if the caller may see it; every route on a case starts here."""
    return visible(case_number, store.get_case(case_number), caller)
