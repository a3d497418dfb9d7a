"""A customer account as the directory keeps it: its region, its contract's entitlements, how many contacts
it should have, and whom monitoring calls in an emergency (the guide's onboarding)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, model_validator

from functions.shared.clock import UtcTimestamp
from functions.shared.models import Actor, ApiModel, RequestModel
from functions.shared.text_limits import Identifier, ShortText

# The guide: access is funnelled through the customer's IT staff, "ideally fewer than five people".
RECOMMENDED_MAX_CONTACTS = 5
MAX_EMERGENCY_CONTACTS = 10
Region = Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{1,31}$", description="A support region, e.g. `americas`.")]


class Entitlements(ApiModel):
    """What the account's contract includes (the guide: most customers get one Release upgrade a quarter
    and one gateway Service Update or firmware update; monitoring alerts outside business hours are answered
    only with 24/7 monitoring response)."""

    monitoring_around_the_clock: bool = Field(
        default=False, description="Monitoring alerts answered around the clock, not only in business hours."
    )
    release_upgrades_per_quarter: int = Field(default=1, ge=0, le=12)
    gateway_updates_per_year: int = Field(default=1, ge=0, le=52)


class _AccountFields(RequestModel):
    name: ShortText | None = None
    region: Region | None = None
    entitlements: Entitlements | None = None
    recommended_max_contacts: int | None = Field(default=None, ge=1, le=100)
    hard_max_contacts: int | None = Field(default=None, ge=1, le=1000, description="Refuse active contacts beyond this; null: no cap.")
    emergency_contact_ids: list[Identifier] | None = Field(
        default=None, max_length=MAX_EMERGENCY_CONTACTS, description="Contacts monitoring calls in an emergency, first first."
    )

    @model_validator(mode="after")
    def _each_emergency_contact_once(self) -> _AccountFields:
        if self.emergency_contact_ids and len(set(self.emergency_contact_ids)) != len(self.emergency_contact_ids):
            raise ValueError("emergencyContactIds lists a contact twice; name each once, in the order to call them")
        return self


class NewAccount(_AccountFields):
    account_id: Identifier = Field(description="Chosen by staff; the customers' tokens carry it.")
    name: ShortText
    region: Region


class AccountChanges(_AccountFields):
    """Only the fields sent change; `hardMaxContacts: null` removes the cap."""


class Account(ApiModel):
    account_id: str
    name: str
    region: str
    entitlements: Entitlements
    recommended_max_contacts: int
    hard_max_contacts: int | None
    emergency_contact_ids: list[str]
    version: int = Field(description="Increases with every change; the ETag. 0 for an account seeded before the directory API.")
    created_at: UtcTimestamp | None
    modified_at: UtcTimestamp | None
    # What other domains read of the contacts (functions/shared/dal/directory.py); carried, never shown.
    contacts: dict[str, Any] = Field(default_factory=dict, exclude=True)


class AccountSummary(ApiModel):
    account_id: str
    name: str
    region: str


class AccountList(ApiModel):
    items: list[AccountSummary]
    next_token: str | None = None


class AccountFieldChange(ApiModel):
    field: str
    from_value: object = Field(alias="from")
    to_value: object = Field(alias="to")


class AccountHistoryEntry(ApiModel):
    action: str  # created | changed | contact added | contact changed | contact disabled | ...
    contact_id: str | None = Field(default=None, description="The contact the change was about, if any.")
    actor: Actor
    at: UtcTimestamp
    changes: list[AccountFieldChange]


class AccountHistory(ApiModel):
    items: list[AccountHistoryEntry]
    next_token: str | None = None
