"""Reads of the shared directory (accounts and contacts, staff, regional managers, support queues and
after-hours addresses)."""

from __future__ import annotations

from typing import TypeVar

from pynamodb.exceptions import GetError
from pynamodb.models import Model

from functions.notifications.dal.tables import bind_notification_tables
from functions.notifications.models.notifications import Account, Contact, NotificationDelayed, StaffMember, SupportQueue
from functions.shared.dal.directory import AccountItem, RegionItem, StaffItem, account_key, region_key, staff_key

Item = TypeVar("Item", bound=Model)


class TableDirectory:
    def __init__(self, table_name: str):
        bind_notification_tables(table_name)

    def account(self, account_id: str) -> Account | None:
        item = _get(AccountItem, account_key(account_id))
        if item is None:
            return None
        contacts = {
            contact_id: Contact(contact_id, entry.get("name") or contact_id, entry["email"])
            for contact_id, entry in item.contacts.as_dict().items()
            if entry.get("email")
        }
        return Account(item.account_id, item.name, item.region, contacts)

    def staff(self, user_id: str) -> StaffMember | None:
        item = _get(StaffItem, staff_key(user_id))
        return StaffMember(item.user_id, item.name, item.email) if item else None

    def region_managers(self, region: str) -> list[StaffMember]:
        item = _get(RegionItem, region_key(region))
        managers = [self.staff(user_id) for user_id in item.manager_user_ids] if item else []
        return [manager for manager in managers if manager]

    def region_queue(self, region: str) -> SupportQueue | None:
        item = _get(RegionItem, region_key(region))
        return SupportQueue(item.region, item.queue_email) if item and item.queue_email else None

    def region_after_hours(self, region: str) -> SupportQueue | None:
        """The region's after-hours address (out-of-hours emergencies); None while it has none."""
        item = _get(RegionItem, region_key(region))
        return SupportQueue(item.region, item.after_hours_email) if item and item.after_hours_email else None


def _get(model: type[Item], key: tuple[str, str]) -> Item | None:
    try:
        return model.get(*key)
    except model.DoesNotExist:
        return None
    except GetError as error:
        raise NotificationDelayed(f"directory read failed: {error}") from error
