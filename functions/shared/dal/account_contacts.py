"""The one read the API makes of the directory to know who a customer caller is: an account item's contacts
map (functions/shared/dal/directory.py `ContactEntry`), by a read-only view of the account item that only
declares `contacts` (docs/architecture.md, "Who the caller is"). Every API Lambda binds it, whatever
models its own domain binds, so it never rebinds another domain's models."""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import MapAttribute
from pynamodb.exceptions import DoesNotExist, GetError

from functions.shared.dal.directory import ContactEntry, DirectoryItem, account_key
from functions.shared.dal.errors import unavailable
from functions.shared.dal.table import TableMeta, bind_models

BUSY = "The directory is busy; retry in a few seconds."
# The key too, so an account without a contacts map still reads as an item (DynamoDB answers an empty
# projection as no item).
PROJECTION = ["pk", "contacts"]


class AccountContactsItem(DirectoryItem):
    """An account item (`ACCOUNT#<id>` / `ACCOUNT`) as the API reads it for its caller: its contacts map only.
    Never written: saving it would drop every attribute it does not declare."""

    class Meta(TableMeta):
        pass

    contacts: MapAttribute[str, Any] = MapAttribute(default=dict)  # contact id -> ContactEntry.to_map()


class AccountContactsReader:
    def __init__(self, table_name: str):
        self._connection = bind_models(table_name, (AccountContactsItem,))  # its client is made on the first read

    def account_contacts(self, account_id: str) -> dict[str, ContactEntry] | None:
        """The account's contacts by contact id, or None when there is no such account: one strongly
        consistent GetItem of the `contacts` attribute."""
        try:
            item = AccountContactsItem.get(*account_key(account_id), consistent_read=True, attributes_to_get=PROJECTION)
        except DoesNotExist:
            return None
        except GetError as error:
            raise unavailable("DynamoDB", BUSY) from error
        raw = item.contacts.as_dict() if hasattr(item.contacts, "as_dict") else dict(item.contacts or {})
        return {contact_id: ContactEntry.from_map(value) for contact_id, value in raw.items()}
