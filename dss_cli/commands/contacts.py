"""`dss contacts`: an account's authorized contacts, their sign-in and their IVR PIN. Staff manage every account's
contacts; an account administrator manages their own account's (but not the administrator role); a contact sets
their own PIN, which support staff verify on the phone. A PIN is never printed."""

from __future__ import annotations

import re
from typing import Annotated, Any

import typer
from rich.table import Table

from dss_cli.commands.accounts import AccountId, IdempotencyKeyOption, actor_text
from dss_cli.commands.common import JsonFlag, client_of, note, out, print_json, warn
from dss_cli.errors import CliError

contacts_app = typer.Typer(
    help="An account's authorized contacts: list, read, add, change, disable, enable, invite again, and their IVR PIN.",
    no_args_is_help=True,
)

ContactId = Annotated[str, typer.Argument(help="Contact id, e.g. c-alice.", show_default=False, metavar="CONTACT")]
PinOption = Annotated[str | None, typer.Option("--pin", help="For scripts; asked (hidden) if not given. It is never printed.")]
PIN = re.compile(r"^[0-9]{4,8}$")
ROLES = (
    ("macAuthorized", "MAC"),
    ("attendantAuthorized", "Attendant"),
    ("accountAdministrator", "Administrator"),
    ("reportRecipient", "Report recipient"),
)


class PinNotVerified(CliError):
    """verify-pin: the PIN did not match (the command's answer, as an exit code for scripts)."""


def roles_text(contact: dict) -> str:
    return ", ".join(label for key, label in ROLES if contact.get(key)) or "none"


def status_text(contact: dict) -> str:
    """invited, active or disabled; an invited contact whose sign-in is not ready says so. Empty when not shown
    (a contact who does not manage the account sees the others' names and roles only)."""
    status = contact.get("status") or ""
    if status and contact.get("signInReady") is False and status != "disabled":
        return f"{status} (sign-in not ready)"
    return status


def pin_text(contact: dict) -> str:
    if contact.get("pinSet") is None:
        return ""
    if contact.get("pinLocked"):
        return "locked"
    return "set" if contact.get("pinSet") else "not set"


def contact_rows(contact: dict) -> list[tuple[str, str]]:
    added = " ".join(part for part in (contact.get("addedAt"), f"by {actor_text(contact['addedBy'])}" if contact.get("addedBy") else "")
                     if part)  # fmt: skip
    rows = [
        ("Contact", contact.get("contactId")),
        ("Account", contact.get("accountId")),
        ("Name", contact.get("name")),
        ("Email", contact.get("email")),
        ("Phone", contact.get("phone")),
        ("Status", status_text(contact)),
        ("Roles", roles_text(contact)),
        ("IVR PIN", pin_text(contact)),
        ("Added", added),
        ("Disabled", contact.get("disabledAt")),
        ("Version", contact.get("version")),
    ]
    return [(label, str(value)) for label, value in rows if value not in (None, "")]


def print_contact(contact: dict) -> None:
    table = Table(show_header=False, box=None, padding=(0, 2))
    for label, value in contact_rows(contact):
        table.add_row(label, value)
    out.print(table)


def answered(contact: dict, as_json: bool, what: str) -> None:
    """A change's answer: the JSON, or what was done and the contact; then its warnings on stderr, last (both ways)."""
    if as_json:
        print_json(contact)
    else:
        note(what)
        print_contact(contact)
    warn(contact)


def who(contact: dict) -> str:
    return f"{contact.get('name')} ({contact.get('contactId')})"


def pin_from(pin: str | None, prompt: str, *, confirm: bool) -> str:
    """The PIN from --pin or a hidden prompt (twice when setting it), checked as the API checks it: 4 to 8 digits."""
    if pin is None:
        pin = typer.prompt(prompt, hide_input=True, confirmation_prompt=confirm)
    pin = pin.strip()
    if not PIN.match(pin):
        raise typer.BadParameter("a PIN is 4 to 8 digits", param_hint="PIN")  # never the value typed
    return pin


@contacts_app.command("list")
def contacts_list(ctx: typer.Context, account_id: AccountId, as_json: JsonFlag = False) -> None:
    """The account's contacts (the account's other contacts see names and roles only)."""
    contacts = client_of(ctx).list_contacts(account_id)
    if as_json:
        print_json({"items": contacts})
        return
    table = Table("Contact", "Name", "Email", "Status", "Roles", "IVR PIN", title=f"Contacts of {account_id} ({len(contacts)})")
    for contact in contacts:
        table.add_row(contact.get("contactId"), contact.get("name"), contact.get("email") or "", status_text(contact), roles_text(contact),
                      pin_text(contact))  # fmt: skip
    out.print(table)


@contacts_app.command("show")
def contacts_show(ctx: typer.Context, account_id: AccountId, contact_id: ContactId, as_json: JsonFlag = False) -> None:
    """One contact."""
    contact = client_of(ctx).get_contact(account_id, contact_id)
    if as_json:
        print_json(contact)
        return
    print_contact(contact)


@contacts_app.command("add")
def contacts_add(
    ctx: typer.Context,
    account_id: AccountId,
    name: Annotated[str, typer.Option(help="Full name.", show_default=False)],
    email: Annotated[str, typer.Option(help="Their sign-in: the invitation goes there.", show_default=False)],
    phone: Annotated[str | None, typer.Option(help="e.g. +1 555 0100.")] = None,
    mac: Annotated[bool, typer.Option("--mac", help="MAC-authorized: may request Moves, Adds and Changes.")] = False,
    attendant: Annotated[bool, typer.Option("--attendant", help="Attendant-authorized: Interaction Attendant changes.")] = False,
    admin: Annotated[bool, typer.Option("--admin", help="Account administrator: manages the contacts (staff only grant it).")] = False,
    report_recipient: Annotated[bool, typer.Option("--report-recipient", help="Receives the account's case reports.")] = False,
    contact_id: Annotated[str | None, typer.Option("--id", help="The contact id (else made up, c-…).")] = None,
    idempotency_key: IdempotencyKeyOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Add an authorized contact: they get a sign-in and an invitation email with a temporary password."""
    body: dict[str, Any] = {
        "name": name,
        "email": email,
        "macAuthorized": mac,
        "attendantAuthorized": attendant,
        "accountAdministrator": admin,
        "reportRecipient": report_recipient,
    }
    if phone:
        body["phone"] = phone
    if contact_id:
        body["contactId"] = contact_id
    contact = client_of(ctx).add_contact(account_id, body, idempotency_key)
    invited = f"invitation sent to {contact.get('email')}" if contact.get("signInReady") else "no invitation sent yet (see the warning)"
    answered(contact, as_json, f"Added {who(contact)} to {contact.get('accountId')}: {invited}")


@contacts_app.command("update")
def contacts_update(
    ctx: typer.Context,
    account_id: AccountId,
    contact_id: ContactId,
    name: Annotated[str | None, typer.Option(help="Full name.")] = None,
    email: Annotated[str | None, typer.Option(help="Their sign-in moves to the new address.")] = None,
    phone: Annotated[str | None, typer.Option(help='e.g. +1 555 0100; "" removes it.')] = None,
    mac: Annotated[bool | None, typer.Option("--mac/--no-mac", help="MAC authorization.", show_default=False)] = None,
    attendant: Annotated[
        bool | None, typer.Option("--attendant/--no-attendant", help="Attendant authorization.", show_default=False)
    ] = None,
    admin: Annotated[
        bool | None, typer.Option("--admin/--no-admin", help="Account administrator (staff only).", show_default=False)
    ] = None,
    report_recipient: Annotated[
        bool | None, typer.Option("--report-recipient/--no-report-recipient", help="Receives case reports.", show_default=False)
    ] = None,
    idempotency_key: IdempotencyKeyOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Change a contact; only the options given change (authorizations hold in the API within 60 seconds)."""
    given = {
        "name": name, "email": email, "macAuthorized": mac, "attendantAuthorized": attendant, "accountAdministrator": admin,
        "reportRecipient": report_recipient,
    }  # fmt: skip
    changes: dict[str, Any] = {key: value for key, value in given.items() if value is not None}
    if phone is not None:
        changes["phone"] = phone.strip() or None
    if not changes:
        raise typer.BadParameter("nothing to change: give at least one option (see dss contacts update --help)")
    contact = client_of(ctx).change_contact(account_id, contact_id, changes, idempotency_key)
    answered(contact, as_json, f"Changed {who(contact)}: {', '.join(changes)}")


@contacts_app.command("disable")
def contacts_disable(ctx: typer.Context, account_id: AccountId, contact_id: ContactId, as_json: JsonFlag = False) -> None:
    """Disable a contact: the API refuses them within 60 seconds and they are signed out everywhere."""
    contact = client_of(ctx).disable_contact(account_id, contact_id)
    answered(contact, as_json, f"Disabled {who(contact)}: the API refuses them within 60 seconds")


@contacts_app.command("enable")
def contacts_enable(ctx: typer.Context, account_id: AccountId, contact_id: ContactId, as_json: JsonFlag = False) -> None:
    """Enable a disabled contact again."""
    contact = client_of(ctx).enable_contact(account_id, contact_id)
    answered(contact, as_json, f"Enabled {who(contact)}: {contact.get('status')}")


@contacts_app.command("resend-invitation")
def contacts_resend_invitation(ctx: typer.Context, account_id: AccountId, contact_id: ContactId, as_json: JsonFlag = False) -> None:
    """Send a contact who has not signed in yet a new invitation (a new temporary password)."""
    contact = client_of(ctx).resend_invitation(account_id, contact_id)
    sent = f"sent a new invitation to {contact.get('email')}" if contact.get("signInReady") else "the invitation did not go out"
    answered(contact, as_json, f"{who(contact)}: {sent}")


@contacts_app.command("set-pin")
def contacts_set_pin(ctx: typer.Context, account_id: AccountId, contact_id: ContactId, pin: PinOption = None) -> None:
    """Set your own IVR PIN (4 to 8 digits, not one digit repeated nor a run like 1234), signed in as yourself."""
    chosen = pin_from(pin, "New IVR PIN", confirm=True)
    client_of(ctx).set_pin(account_id, contact_id, chosen)
    note(f"The IVR PIN of {contact_id} is set.")


@contacts_app.command("verify-pin")
def contacts_verify_pin(
    ctx: typer.Context, account_id: AccountId, contact_id: ContactId, pin: PinOption = None, as_json: JsonFlag = False
) -> None:
    """Staff: check the PIN a caller gives on the phone (exit code 1 when it does not match; 5 wrong ones lock it)."""
    checked = client_of(ctx).verify_pin(account_id, contact_id, pin_from(pin, "Caller's IVR PIN", confirm=False))
    if as_json:
        print_json(checked)
    if checked.get("verified"):
        if not as_json:
            typer.echo(f"Verified: the PIN of {contact_id} matches.")
        return
    if checked.get("locked"):
        raise PinNotVerified(
            f"not verified: wrong PIN, and the PIN of {contact_id} is now locked; verify the caller another way, then "
            f"dss contacts unlock-pin {account_id} {contact_id}"
        )
    tries = checked.get("attemptsLeft")
    raise PinNotVerified(f"not verified: wrong PIN for {contact_id} ({tries} {'try' if tries == 1 else 'tries'} left before it locks)")


@contacts_app.command("unlock-pin")
def contacts_unlock_pin(ctx: typer.Context, account_id: AccountId, contact_id: ContactId, as_json: JsonFlag = False) -> None:
    """Staff: unlock a PIN locked after 5 wrong tries, once the caller is verified another way."""
    contact = client_of(ctx).unlock_pin(account_id, contact_id)
    answered(contact, as_json, f"The IVR PIN of {who(contact)} is unlocked")
