"""Who may work with a case's files: customers on their own account's cases, staff on every case
(engineers attach files for the customer the same way). Uploads need a non-closed case."""

from __future__ import annotations

from functions.files.logic.ports import FileStore
from functions.files.models.errors import CaseClosed
from functions.shared.access import visible
from functions.shared.auth import Caller
from functions.shared.case_state import CaseState


def visible_case(case_number: str, caller: Caller, store: FileStore) -> CaseState:
    return visible(case_number, store.get_case_state(case_number), caller)


def open_for_uploads(case: CaseState) -> CaseState:
    if case.is_closed:
        raise CaseClosed(
            f"Case {case.case_number} is closed: files can be added to non-closed cases only. Reopen it with new information "
            "(within 30 days of closure) or open a new case.",
            field="caseNumber",
        )
    return case


def case_open_for_uploads(case_number: str, caller: Caller, store: FileStore) -> CaseState:
    return open_for_uploads(visible_case(case_number, caller, store))
