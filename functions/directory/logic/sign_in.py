"""A contact's sign-in, provisioned as a saga after the directory has the contact: the Cognito user (the email as
user name, the tenant attributes, a temporary password) -> its groups -> the invitation email with the temporary
password -> the directory marks the sign-in ready. Every step is safe to repeat, so a failed step is finished by
retrying the request with its Idempotency-Key, or by resending the invitation; the directory stays the source of
truth meanwhile (the API reads a contact's status and authorizations from it)."""

from __future__ import annotations

import secrets
import string
from html import escape
from typing import Protocol

from functions.directory.models.contacts import ContactRecord
from functions.directory.models.records import IdentityTaken, IdentityUnavailable
from functions.shared.auth import Group
from functions.shared.dal.directory import ContactStatus
from functions.shared.errors import DomainError

# The groups the directory mirrors into Cognito (the token's claims); the API decides from the directory.
MANAGED_GROUPS = frozenset({Group.CUSTOMER.value, Group.CUSTOMER_MAC.value})
# Symbols the pool's password policy counts that need no quoting in a shell or an email.
PASSWORD_SYMBOLS = "-_."
PASSWORD_LENGTH = 20


class IdentityProvider(Protocol):
    def create_user(self, email: str, name: str, account_id: str, contact_id: str, temporary_password: str) -> str: ...

    def set_groups(self, email: str, wanted: set[str], managed: set[str]) -> None: ...

    def change_email(self, old_email: str, new_email: str) -> None: ...

    def disable(self, email: str) -> None: ...

    def enable(self, email: str) -> None: ...

    def has_signed_in(self, email: str) -> bool: ...


class InvitationSender(Protocol):
    def send(self, to_name: str, to_address: str, subject: str, text: str, html: str) -> None: ...


class SignInRecorder(Protocol):
    def mark_sign_in_ready(self, contact: ContactRecord, cognito_sub: str) -> None: ...


def strong_password(length: int = PASSWORD_LENGTH) -> str:
    """Random, and meeting the pool's policy: lower and upper case, a digit and a symbol."""
    classes = (string.ascii_lowercase, string.ascii_uppercase, string.digits, PASSWORD_SYMBOLS)
    alphabet = "".join(classes)
    while True:
        # A letter first, so the password never reads as a command-line option.
        password = secrets.choice(string.ascii_letters) + "".join(secrets.choice(alphabet) for _ in range(length - 1))
        if all(any(char in chars for char in password) for chars in classes):
            return password


def groups_of(contact: ContactRecord) -> set[str]:
    return {Group.CUSTOMER.value} | ({Group.CUSTOMER_MAC.value} if contact.mac_authorized else set())


def provision(
    contact: ContactRecord,
    account_name: str,
    *,
    identity: IdentityProvider,
    invitations: InvitationSender,
    recorder: SignInRecorder,
    portal_url: str,
) -> list[str]:
    """Runs every step (each repeatable); the warnings to answer with when one failed."""
    if contact.status is ContactStatus.DISABLED:
        return []
    password = strong_password()
    try:
        sub = identity.create_user(contact.email, contact.name, contact.account_id, contact.contact_id, password)
        identity.set_groups(contact.email, groups_of(contact), set(MANAGED_GROUPS))
        subject, text, html = invitation(contact, account_name, password, portal_url)
        invitations.send(contact.name, contact.email, subject, text, html)
        recorder.mark_sign_in_ready(contact, sub)
    except IdentityTaken:
        return [
            f"{contact.email} already signs in as someone else's user, so no invitation was sent; "
            "ask Dedicated Support to free the address, then resend the invitation."
        ]
    except (IdentityUnavailable, DomainError):
        return [not_ready(contact)]
    return []


def not_ready(contact: ContactRecord) -> str:
    return (
        f"The contact is saved, but their sign-in is not ready yet (the identity service or email did not answer). "
        f"Repeat this request with the same Idempotency-Key, or POST /accounts/{contact.account_id}/contacts/"
        f"{contact.contact_id}/resend-invitation, to finish it."
    )


def invitation(contact: ContactRecord, account_name: str, password: str, portal_url: str) -> tuple[str, str, str]:
    """(subject, text, HTML) of the invitation; the text has the line `Temporary password: <password>`."""
    subject = f"Your Dedicated Support Services sign-in for {account_name}"
    lines = [
        f"Hello {contact.name},",
        "",
        f"You are now an authorized support contact of {account_name}: you can open and follow support cases.",
        f"Sign in at {portal_url} (or with the dss command line: dss login --email {contact.email}) with",
        "",
        f"Email: {contact.email}",
        f"Temporary password: {password}",
        "",
        "At the first sign-in you choose your own password. The temporary password works for 3 days; after that,",
        "ask your account administrator or your Technical Account Manager to resend the invitation.",
        "This email replaces any earlier invitation. Dedicated Support never asks for your password.",
    ]
    html = (
        f'<!doctype html><html lang="en"><body style="font-family:sans-serif;line-height:1.5">'
        f"<p>Hello {escape(contact.name)},</p>"
        f"<p>You are now an authorized support contact of <strong>{escape(account_name)}</strong>: "
        "you can open and follow support cases.</p>"
        f'<p>Sign in at <a href="{escape(portal_url)}">{escape(portal_url)}</a> with</p>'
        f"<table role=\"presentation\"><tr><th scope=\"row\" style=\"text-align:left\">Email</th><td>{escape(contact.email)}</td></tr>"
        f'<tr><th scope="row" style="text-align:left">Temporary password</th><td><code>{escape(password)}</code></td></tr></table>'
        "<p>At the first sign-in you choose your own password. The temporary password works for 3 days; after that, "
        "ask your account administrator or your Technical Account Manager to resend the invitation.</p>"
        "<p>This email replaces any earlier invitation. Dedicated Support never asks for your password.</p>"
        "</body></html>"
    )
    return subject, "\n".join(lines) + "\n", html
