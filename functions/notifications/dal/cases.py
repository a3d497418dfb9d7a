"""Reads of a case, for the emails sent about a case on another domain's event (a maintenance window's start and
end name only the case): whose case it is and whether it is closed, through the shared read-only view of the case
item (functions/shared/dal/case_view.py)."""

from __future__ import annotations

from functions.notifications.dal.tables import bind_notification_tables
from functions.notifications.models.notifications import CaseContact, NotificationDelayed
from functions.shared.dal.case_view import read_case_state
from functions.shared.errors import ServiceUnavailable


class TableCases:
    def __init__(self, table_name: str):
        bind_notification_tables(table_name)

    def case(self, case_number: str) -> CaseContact | None:
        """One strongly consistent GetItem; None when there is no such case."""
        try:
            state = read_case_state(case_number)
        except ServiceUnavailable as error:
            raise NotificationDelayed(f"case read failed: {error}") from error
        if state is None:
            return None
        return CaseContact(state.case_number, state.account_id, state.contact_id, closed=state.is_closed)
