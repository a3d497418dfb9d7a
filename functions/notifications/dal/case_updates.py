"""Reads of a case's updates, for the words an email quotes (events carry only an excerpt)."""

from __future__ import annotations

from functions.notifications.dal.tables import bind_notification_tables
from functions.notifications.models.notifications import NotificationDelayed, PostedUpdate
from functions.shared.dal.case_view import read_case_update
from functions.shared.errors import ServiceUnavailable


class TableCaseUpdates:
    def __init__(self, table_name: str):
        bind_notification_tables(table_name)

    def update(self, case_number: str, update_id: str) -> PostedUpdate | None:
        """The update's whole text; None when the case has no such update."""
        try:
            found = read_case_update(case_number, update_id)
        except ServiceUnavailable as error:
            raise NotificationDelayed(f"update read failed: {error}") from error
        return PostedUpdate(found.kind, found.text, whole=True) if found else None
