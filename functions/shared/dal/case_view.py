"""A read-only view of a case item for the domains that act on cases without owning them (files, purge).
The cases domain writes these items (functions/cases/dal/tables.py CaseItem); this reads the few
attributes the others need, so they never import the cases domain. Bind CASE_VIEW_MODELS with
functions.shared.dal.table.bind_models, together with the domain's own models."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pynamodb.attributes import MapAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist, GetError
from pynamodb.models import Model

from functions.shared.case_state import CaseState
from functions.shared.clock import from_iso
from functions.shared.dal.attributes import TimestampAttribute
from functions.shared.dal.table import TableMeta
from functions.shared.errors import ServiceUnavailable
from functions.shared.observability import logger

CASE_PREFIX, CASE_SORT_KEY = "CASE#", "CASE"

# The purge index on case items: the cases domain maintains it (functions/cases/dal/tables.py), the purge
# reads it (functions/purge/dal/purge_index.py); both take its names from here. Only closed cases whose
# files are not purged yet carry its keys.
PURGE_INDEX_NAME = "purge-due"
PURGE_QUEUE_ATTRIBUTE, PURGE_DUE_ATTRIBUTE = "purge_queue", "purge_due_at"
PURGE_QUEUE = "FILES"  # the index's one partition
PURGE_CLOSED_AT_ATTRIBUTE = "purge_closed_at"  # the closure it is for (form.closed_at is not projectable)
PURGE_PROJECTED_ATTRIBUTES = ["case_number", "account_id", PURGE_CLOSED_AT_ATTRIBUTE]

# The report indexes on case items (docs/architecture.md, "Case reports"): the cases domain maintains them
# (functions/cases/dal/tables.py), the reports domain reads them (functions/reports/dal/case_sections.py). Both
# are keyed by the account (`report_account`, on every case): `account-opened` ranged by the opening
# (`created_at`), `account-closed` by the closure (`report_closed_at`, only while the case is closed, so that
# index holds closed cases alone). The account's non-closed cases are the `account-phase` view's.
REPORT_ACCOUNT_ATTRIBUTE, REPORT_CLOSED_AT_ATTRIBUTE = "report_account", "report_closed_at"
OPENED_INDEX_NAME, CLOSED_INDEX_NAME, ACCOUNT_PHASE_INDEX_NAME = "account-opened", "account-closed", "account-phase"
NON_CLOSED_PHASE = "NON_CLOSED"  # account_phase is `<account>#NON_CLOSED` or `<account>#CLOSED`


class CaseViewItem(Model):
    """Never written: saving it would drop every attribute it does not declare."""

    class Meta(TableMeta):
        pass

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    account_id = UnicodeAttribute()
    contact_id = UnicodeAttribute()
    status = UnicodeAttribute()
    form: MapAttribute[str, Any] = MapAttribute(default=dict)  # closed_at, files_purged_at (ISO UTC) among the web-form fields


CASE_VIEW_MODELS: tuple[type[Model], ...] = (CaseViewItem,)


def case_key(case_number: str) -> tuple[str, str]:
    return f"{CASE_PREFIX}{case_number}", CASE_SORT_KEY


def read_case_state(case_number: str) -> CaseState | None:
    """One strongly consistent GetItem; None when there is no such case."""
    try:
        item = CaseViewItem.get(
            *case_key(case_number), consistent_read=True, attributes_to_get=["account_id", "contact_id", "status", "form"]
        )
    except DoesNotExist:
        return None
    except GetError as error:
        logger.exception("DynamoDB call failed")
        raise ServiceUnavailable("The case store is busy; retry in a few seconds.") from error
    return to_case_state(case_number, item)


def to_case_state(case_number: str, item: CaseViewItem) -> CaseState:
    form = item.form.as_dict() if item.form else {}
    return CaseState(
        case_number=case_number,
        account_id=item.account_id,
        contact_id=item.contact_id,
        status=item.status,
        closed_at=_timestamp(form.get("closed_at")),
        files_purged_at=_timestamp(form.get("files_purged_at")),
    )


def _timestamp(stored: str | None) -> datetime | None:
    """A timestamp of the case's form map: a plain map holds it as its stored string."""
    return from_iso(stored) if stored is not None else None


# A case's updates (functions/cases/dal/tables.py UpdateItem, keyed as functions/cases/dal/case_repository.py
# _record_key does): pk the case's, sk `UPDATE#<update id, zero-padded to 10 digits>`. Events carry only an
# excerpt of an update's text and its id; the domains that show the whole text (notifications) read it here.
UPDATE_PREFIX = "UPDATE#"


class CaseUpdateViewItem(Model):
    """Never written, like CaseViewItem."""

    class Meta(TableMeta):
        pass

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    update_kind = UnicodeAttribute()
    author: MapAttribute[str, Any] = MapAttribute(default=dict)  # user_id, role, contact_id (absent for staff)
    text = UnicodeAttribute()
    created_at = TimestampAttribute()


CASE_UPDATE_VIEW_MODELS: tuple[type[Model], ...] = (CaseUpdateViewItem,)


@dataclass(frozen=True)
class CaseUpdateView:
    case_number: str
    update_id: str
    kind: str  # comment | information-request | solution-proposal | ... (functions/cases/models/lifecycle.py UpdateKind)
    text: str
    author_user_id: str | None
    author_role: str | None
    author_contact_id: str | None
    created_at: datetime


def case_update_key(case_number: str, update_id: str) -> tuple[str, str]:
    return case_key(case_number)[0], f"{UPDATE_PREFIX}{int(update_id):010d}"


def read_case_update(case_number: str, update_id: str) -> CaseUpdateView | None:
    """One strongly consistent GetItem (the update is committed before its events leave); None when the
    case has no such update."""
    try:
        item = CaseUpdateViewItem.get(*case_update_key(case_number, update_id), consistent_read=True)
    except DoesNotExist:
        return None
    except GetError as error:
        logger.exception("DynamoDB call failed")
        raise ServiceUnavailable("The case store is busy; retry in a few seconds.") from error
    author = item.author.as_dict() if item.author else {}
    return CaseUpdateView(
        case_number=case_number,
        update_id=str(int(update_id)),
        kind=item.update_kind,
        text=item.text,
        author_user_id=author.get("user_id"),
        author_role=author.get("role"),
        author_contact_id=author.get("contact_id"),
        created_at=item.created_at,
    )
