"""An account's authorized contacts (the guide: support access is funnelled through a few of the customer's
IT staff; some are MAC-authorized, fewer still Attendant-authorized), their sign-in and their IVR PIN."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from pydantic import Field, StringConstraints

from functions.shared.clock import UtcTimestamp
from functions.shared.dal.directory import ContactEntry, ContactStatus
from functions.shared.models import Actor, ApiModel, RequestModel
from functions.shared.text_limits import EmailAddress, Identifier, ShortText

# Cognito's username is the email (the pool signs in by email): one address, one contact, in every account.
Email = EmailAddress
Phone = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\+?[0-9 ().-]{6,32}$")]
# The IVR PIN: digits only, as a phone keypad types them.
Pin = Annotated[str, StringConstraints(pattern=r"^[0-9]{4,8}$")]
MAX_PIN_FAILURES = 5  # then locked until staff unlock it (NIST SP 800-63B allows at most 100)


class _Roles(RequestModel):
    mac_authorized: bool | None = Field(default=None, description="May request Moves, Adds and Changes (Service Requests).")
    attendant_authorized: bool | None = Field(default=None, description="May request Interaction Attendant changes.")
    account_administrator: bool | None = Field(
        default=None, description="Manages the account's contacts. Only support staff grant or remove it."
    )
    report_recipient: bool | None = Field(default=None, description="Receives the account's case reports.")


class NewContact(_Roles):
    contact_id: Identifier | None = Field(default=None, description="Chosen by you, or made up (`c-…`) when left out.")
    name: ShortText
    email: Email
    phone: Phone | None = None


class ContactChanges(_Roles):
    """Only the fields sent change; `phone: null` removes the phone number."""

    name: ShortText | None = None
    email: Email | None = None
    phone: Phone | None = None


class PinChange(RequestModel):
    pin: Pin = Field(description="4 to 8 digits; not one digit repeated and not a run like 1234.")


class PinCheck(RequestModel):
    pin: Pin


class Contact(ApiModel):
    """A contact as their account's administrators and support staff see them. Other contacts of the account
    see only the id, the name and the roles (the other fields are then null)."""

    contact_id: str
    account_id: str
    name: str
    mac_authorized: bool
    attendant_authorized: bool
    account_administrator: bool
    report_recipient: bool
    email: str | None = None
    phone: str | None = None
    status: ContactStatus | None = Field(default=None, description="invited (has not signed in yet), active or disabled.")
    sign_in_ready: bool | None = Field(
        default=None, description="The Cognito user exists with its groups and the invitation was sent."
    )
    pin_set: bool | None = None
    pin_locked: bool | None = Field(default=None, description=f"After {MAX_PIN_FAILURES} wrong PINs; support staff unlock it.")
    added_by: Actor | None = None
    added_at: UtcTimestamp | None = None
    disabled_at: UtcTimestamp | None = None
    version: int | None = Field(default=None, description="Increases with every change of the contact.")


class ContactAnswer(Contact):
    warnings: list[str] = Field(default_factory=list, description="Done, but worth knowing (e.g. over the recommended maximum).")


class ContactList(ApiModel):
    items: list[Contact]
    next_token: str | None = None


class PinVerification(ApiModel):
    verified: bool
    attempts_left: int = Field(description=f"Wrong PINs left before the PIN locks ({MAX_PIN_FAILURES} in all).")
    locked: bool


@dataclass(frozen=True)
class ContactRecord:
    """A contact as the directory keeps them: the answer's fields, their Cognito user and their PIN's keyed hash."""

    account_id: str
    contact_id: str
    name: str
    email: str
    phone: str | None
    status: ContactStatus
    mac_authorized: bool
    attendant_authorized: bool
    account_administrator: bool
    report_recipient: bool
    added_by: Actor
    added_at: datetime
    version: int
    cognito_sub: str | None = None
    sign_in_ready: bool = False
    pin_hash: bytes | None = None
    pin_salt: bytes | None = None
    pin_failures: int = 0
    disabled_at: datetime | None = None

    @property
    def pin_locked(self) -> bool:
        return self.pin_failures >= MAX_PIN_FAILURES

    def entry(self) -> ContactEntry:
        """What the account item keeps of the contact for other domains."""
        return ContactEntry(
            name=self.name,
            email=self.email,
            status=self.status,
            mac_authorized=self.mac_authorized,
            attendant_authorized=self.attendant_authorized,
            account_administrator=self.account_administrator,
            report_recipient=self.report_recipient,
        )

    def answer(self, *, full: bool, warnings: list[str] | None = None) -> ContactAnswer:
        """`full`: for the account's administrators, the contact themselves and staff; others see names and roles."""
        shown = ContactAnswer(
            contact_id=self.contact_id,
            account_id=self.account_id,
            name=self.name,
            mac_authorized=self.mac_authorized,
            attendant_authorized=self.attendant_authorized,
            account_administrator=self.account_administrator,
            report_recipient=self.report_recipient,
            warnings=warnings or [],
        )
        if full:
            shown = shown.model_copy(
                update={
                    "email": self.email, "phone": self.phone, "status": self.status, "sign_in_ready": self.sign_in_ready,
                    "pin_set": self.pin_hash is not None, "pin_locked": self.pin_locked, "added_by": self.added_by,
                    "added_at": self.added_at, "disabled_at": self.disabled_at, "version": self.version,
                }
            )  # fmt: skip
        return shown
