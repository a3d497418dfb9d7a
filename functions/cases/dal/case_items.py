"""How the cases domain's models are stored: a case, its updates and history as items of the support
table, and back (docs/architecture.md, "The table and its indexes")."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel
from pynamodb.attributes import MapAttribute

from functions.cases.models.case import Case, CaseSummary, Status
from functions.cases.models.lifecycle import CaseUpdate, HistoryEntry
from functions.cases.models.records import Account
from functions.shared.clock import to_iso
from functions.shared.dal.case_view import PURGE_QUEUE, case_key
from functions.shared.dal.directory import contact_entries
from functions.shared.retention import FILES_KEPT_AFTER_CLOSURE

from .tables import (
    HISTORY_PREFIX,
    OWNER_PREFIX,
    REGION_PREFIX,
    RESPONSE_PENDING,
    UNASSIGNED,
    UPDATE_PREFIX,
    WAITING,
    AccountItem,
    CaseItem,
    HistoryItem,
    UpdateItem,
)

NON_CLOSED, CLOSED = "NON_CLOSED", "CLOSED"
WAITING_ON_CUSTOMER = frozenset({Status.AWAITING_INFO, Status.SOLUTION_PROPOSED})
# The case's fields with an attribute of their own (the listings' indexes project them); every other field
# of Case is kept in the item's `form` map, so a field added to the model is saved without a change here.
OWN_ATTRIBUTE_FIELDS = tuple(name for name in Case.model_fields if name in CaseItem.get_attributes())
FORM_FIELDS = tuple(name for name in Case.model_fields if name not in CaseItem.get_attributes())


def phase(status: str) -> str:
    return CLOSED if status == Status.CLOSED.value else NON_CLOSED


def purge_keys(case: Case) -> dict:
    """The purge index's attributes while the case's files await the purge; none otherwise, so reopening
    the case or marking its files purged takes it out of the index."""
    if case.status != Status.CLOSED or case.closed_at is None or case.files_purged_at is not None:
        return {}
    due_at = case.closed_at + FILES_KEPT_AFTER_CLOSURE
    return {"purge_queue": PURGE_QUEUE, "purge_due_at": to_iso(due_at), "purge_closed_at": to_iso(case.closed_at)}


def report_keys(case: Case) -> dict:
    """The report indexes' attributes: every case is in the account's openings; a closed one in its closures."""
    keys = {"report_account": case.account_id}
    if case.status is Status.CLOSED and case.closed_at is not None:
        keys["report_closed_at"] = to_iso(case.closed_at)
    return keys


def queue_keys(case: Case) -> dict:
    """The staff queues' index attributes (functions/cases/dal/tables.py): a closed case is in none."""
    if case.status is Status.CLOSED:
        return {}
    keys = {"owner_queue": f"{OWNER_PREFIX}{case.owner_id}" if case.owner_id else UNASSIGNED}
    if case.status in WAITING_ON_CUSTOMER:
        keys["waiting_queue"] = WAITING
    if case.region:
        keys["region_queue"] = f"{REGION_PREFIX}{case.region}"
    if case.response_due_at and case.first_response_at is None:
        keys.update(response_queue=RESPONSE_PENDING, response_due_key=f"{to_iso(case.response_due_at)}#{case.case_number}")
    return keys


def to_item(case: Case) -> CaseItem:
    pk, sk = case_key(case.case_number)
    account, contact, status = case.account_id, f"{case.account_id}#{case.contact_id}", case.status.value
    form = {name: stored(value) for name in FORM_FIELDS if (value := getattr(case, name)) not in (None, [])}
    return CaseItem(
        pk,
        sk,
        account_status=f"{account}#{status}",
        account_phase=f"{account}#{phase(status)}",
        contact_status=f"{contact}#{status}",
        contact_phase=f"{contact}#{phase(status)}",
        modified_key=f"{to_iso(case.modified_at)}#{case.case_number}",
        form=form,
        **{name: stored(getattr(case, name)) for name in OWN_ATTRIBUTE_FIELDS},
        **purge_keys(case),
        **queue_keys(case),
        **report_keys(case),
    )


def stored(value: Any) -> Any:
    """A case's value as DynamoDB stores it: enums by value, timestamps in their ISO form (docs/architecture.md,
    Time), models (the timers) as maps of those. Read back, Case parses them again."""
    if isinstance(value, list):
        return [stored(element) for element in value]
    if isinstance(value, datetime):
        return to_iso(value)
    return value.model_dump(mode="json") if isinstance(value, BaseModel) else getattr(value, "value", value)


def common_fields(item: CaseItem) -> dict[str, Any]:
    """A listing's row: the summary's fields, each an attribute of the item (the indexes project them)."""
    return {name: plain(getattr(item, name)) for name in CaseSummary.model_fields}


def to_case(item: CaseItem) -> Case:
    # Own attributes win over the form's: an item saved before a field got its own attribute keeps it in the form.
    own = {name: plain(value) for name in OWN_ATTRIBUTE_FIELDS if (value := getattr(item, name)) is not None}
    return Case(**{**item.form.as_dict(), **own})


def plain(value: Any) -> Any:
    return value.as_dict() if isinstance(value, MapAttribute) else value


def page_key(item: CaseItem, hash_attribute: str, range_attribute: str = "modified_key") -> dict:
    """The LastEvaluatedKey DynamoDB would return after `item` on that index."""
    return {"pk": {"S": item.pk}, "sk": {"S": item.sk}} | {name: {"S": getattr(item, name)} for name in (hash_attribute, range_attribute)}


def record_key(case_number: str, prefix: str, version: str) -> tuple[str, str]:
    return case_key(case_number)[0], f"{prefix}{int(version):010d}"


def history_item(case_number: str, entry: HistoryEntry) -> HistoryItem:
    return HistoryItem(
        *record_key(case_number, HISTORY_PREFIX, entry.entry_id),
        action=entry.action,
        actor=entry.actor.model_dump(exclude_none=True),
        at=entry.at,
        changes=[change.model_dump(by_alias=True) for change in entry.changes],
    )


def update_item(case_number: str, update: CaseUpdate) -> UpdateItem:
    return UpdateItem(
        *record_key(case_number, UPDATE_PREFIX, update.update_id),
        update_kind=update.kind.value,
        author=update.author.model_dump(exclude_none=True),
        text=update.text,
        created_at=update.created_at,
    )


def to_history(item: HistoryItem) -> HistoryEntry:
    return HistoryEntry(
        entry_id=str(int(item.sk.removeprefix(HISTORY_PREFIX))),
        action=item.action,
        actor=item.actor.as_dict(),
        at=item.at,
        changes=[change.as_dict() if hasattr(change, "as_dict") else change for change in item.changes],
    )


def to_update(item: UpdateItem) -> CaseUpdate:
    return CaseUpdate(
        update_id=str(int(item.sk.removeprefix(UPDATE_PREFIX))),
        kind=item.update_kind,
        author=item.author.as_dict(),
        text=item.text,
        created_at=item.created_at,
    )


def to_account(item: AccountItem) -> Account:
    return Account(item.account_id, item.name, item.region, contact_entries(item), tuple(item.emergency_contact_ids or ()))
