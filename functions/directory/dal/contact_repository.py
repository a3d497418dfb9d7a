"""The contacts in DynamoDB. A contact's change is one transaction: the contact (conditional on its version),
the account item (its `contacts` map, which other domains read, and its version), the claim on the email
address, the history entry in the account's history, the events (the outbox), the Idempotency-Key's answer and
the caller's change count. Provisioning the sign-in and counting wrong PINs touch the contact item alone."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist, GetError, TransactGetError, UpdateError
from pynamodb.transactions import TransactGet

from functions.directory.dal.account_repository import found_or_none, map_as_dict, to_account, to_item
from functions.directory.dal.tables import (
    CONTACT_PREFIX,
    AccountRecordItem,
    ContactEmailItem,
    ContactRecordItem,
    account_key,
    bind_directory_tables,
    contact_email_key,
    contact_key,
)
from functions.directory.dal.transactions import BUSY, history_item
from functions.directory.models.accounts import Account, AccountHistoryEntry
from functions.directory.models.contacts import ContactRecord
from functions.directory.models.records import EmailTaken, IdempotencyKeyTaken, StaleAccount
from functions.shared.dal.directory import ContactStatus
from functions.shared.dal.errors import unavailable
from functions.shared.dal.idempotency import IdempotencyItem, idempotency_item, idempotency_key, to_record, unused
from functions.shared.dal.outbox import outbox_items
from functions.shared.dal.pages import query_page
from functions.shared.dal.transactions import Write, write_change
from functions.shared.domain_event import DomainEvent
from functions.shared.idempotency import IdempotencyRecord, IdempotentRequest
from functions.shared.models import Actor

Page = dict[str, Any] | None


class ContactRepository:
    def __init__(self, table_name: str) -> None:
        self._connection = bind_directory_tables(table_name)

    def get_contact(self, account_id: str, contact_id: str) -> ContactRecord | None:
        try:
            return to_contact(ContactRecordItem.get(*contact_key(account_id, contact_id), consistent_read=True))
        except DoesNotExist:
            return None
        except GetError as error:
            raise unavailable("DynamoDB", BUSY) from error

    def read_for_change(
        self, account_id: str, contact_id: str | None, idempotency_scope: str | None
    ) -> tuple[Account | None, ContactRecord | None, IdempotencyRecord | None]:
        """The account, the contact and the Idempotency-Key's record in one round trip."""
        try:
            with TransactGet(connection=self._connection) as transaction:
                account = transaction.get(AccountRecordItem, *account_key(account_id))
                contact = transaction.get(ContactRecordItem, *contact_key(account_id, contact_id)) if contact_id else None
                record = transaction.get(IdempotencyItem, *idempotency_key(idempotency_scope)) if idempotency_scope else None
        except TransactGetError as error:
            raise unavailable("DynamoDB", BUSY) from error
        return (
            found_or_none(lambda: to_account(account.get())),
            found_or_none(lambda: to_contact(contact.get())) if contact else None,
            found_or_none(lambda: to_record(record.get())) if record else None,
        )

    def email_owner(self, email: str) -> tuple[str, str] | None:
        """(account id, contact id) of the contact the address belongs to."""
        try:
            item = ContactEmailItem.get(*contact_email_key(email), consistent_read=True)
        except DoesNotExist:
            return None
        except GetError as error:
            raise unavailable("DynamoDB", BUSY) from error
        return item.account_id, item.contact_id

    def commit(
        self,
        account_before: Account,
        account: Account,
        contact_before: ContactRecord | None,
        contact: ContactRecord,
        history: AccountHistoryEntry,
        events: list[DomainEvent],
        *,
        idempotency: tuple[IdempotentRequest, dict] | None,
        rate_limited: str | None,
        now: datetime,
    ) -> None:
        partition = account_key(account.account_id)[0]
        account_unchanged = (
            AccountRecordItem.version == account_before.version if account_before.version else AccountRecordItem.version.does_not_exist()
        )
        contact_unchanged = ContactRecordItem.version == contact_before.version if contact_before else ContactRecordItem.pk.does_not_exist()
        writes: list[Write] = [
            (to_item(account), account_unchanged, StaleAccount),
            (to_contact_item(contact), contact_unchanged, StaleAccount),
            (history_item(partition, account.version, history), None, None),
            *((item, None, None) for item in outbox_items(partition, f"{account.version:010d}", events, now)),
        ]
        removals = []
        if contact_before is None or contact_before.email != contact.email:
            claim = ContactEmailItem(*contact_email_key(contact.email), account_id=contact.account_id, contact_id=contact.contact_id)
            writes.append((claim, ContactEmailItem.pk.does_not_exist(), EmailTaken))
        if contact_before is not None and contact_before.email != contact.email:
            removals.append(ContactEmailItem(*contact_email_key(contact_before.email)))
        if idempotency:
            request, answer = idempotency
            writes.append((idempotency_item(request, contact.contact_id, answer), unused(now), IdempotencyKeyTaken))
        write_change(self._connection, *writes, stale=StaleAccount, busy=BUSY, now=now, rate_limited=rate_limited, removals=removals)

    def mark_sign_in_ready(self, contact: ContactRecord, cognito_sub: str) -> None:
        """The saga's last step: the Cognito user, its groups and the invitation are done."""
        item = ContactRecordItem(*contact_key(contact.account_id, contact.contact_id))
        try:
            item.update(
                actions=[ContactRecordItem.cognito_sub.set(cognito_sub), ContactRecordItem.sign_in_ready.set(True)],
                condition=ContactRecordItem.pk.exists(),
            )
        except UpdateError as error:
            raise unavailable("DynamoDB", BUSY) from error

    def record_pin_attempt(self, contact: ContactRecord, failures: int) -> None:
        """Counts wrong PINs (or clears the count after a right one), conditional on the contact's version, so
        a concurrent change never resets the count unseen."""
        item = ContactRecordItem(*contact_key(contact.account_id, contact.contact_id))
        try:
            item.update(
                actions=[ContactRecordItem.pin_failures.set(failures), ContactRecordItem.version.set(contact.version + 1)],
                condition=ContactRecordItem.version == contact.version,
            )
        except UpdateError as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                raise StaleAccount() from error
            raise unavailable("DynamoDB", BUSY) from error

    def list_contacts(self, account_id: str, *, limit: int, start_key: Page) -> tuple[list[ContactRecord], Page]:
        items, next_key = query_page(ContactRecordItem, account_key(account_id)[0], CONTACT_PREFIX, limit, start_key, busy=BUSY)
        return [to_contact(item) for item in items], next_key


def to_contact_item(contact: ContactRecord) -> ContactRecordItem:
    return ContactRecordItem(
        *contact_key(contact.account_id, contact.contact_id),
        account_id=contact.account_id,
        contact_id=contact.contact_id,
        name=contact.name,
        email=contact.email,
        phone=contact.phone,
        status=contact.status.value,
        mac_authorized=contact.mac_authorized,
        attendant_authorized=contact.attendant_authorized,
        account_administrator=contact.account_administrator,
        report_recipient=contact.report_recipient,
        cognito_sub=contact.cognito_sub,
        sign_in_ready=contact.sign_in_ready,
        pin_hash=contact.pin_hash,
        pin_salt=contact.pin_salt,
        pin_failures=contact.pin_failures,
        added_by=contact.added_by.model_dump(exclude_none=True),
        added_at=contact.added_at,
        disabled_at=contact.disabled_at,
        version=contact.version,
    )


def to_contact(item: ContactRecordItem) -> ContactRecord:
    return ContactRecord(
        account_id=item.account_id,
        contact_id=item.contact_id,
        name=item.name,
        email=item.email,
        phone=item.phone,
        status=ContactStatus(item.status),
        mac_authorized=bool(item.mac_authorized),
        attendant_authorized=bool(item.attendant_authorized),
        account_administrator=bool(item.account_administrator),
        report_recipient=bool(item.report_recipient),
        added_by=Actor.model_validate(map_as_dict(item.added_by)),
        added_at=item.added_at,
        version=int(item.version),
        cognito_sub=item.cognito_sub,
        sign_in_ready=bool(item.sign_in_ready),
        pin_hash=item.pin_hash,
        pin_salt=item.pin_salt,
        pin_failures=int(item.pin_failures or 0),
        disabled_at=item.disabled_at,
    )
