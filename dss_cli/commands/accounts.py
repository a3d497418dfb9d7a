"""`dss accounts`: the customer accounts of the directory (staff create and change them; a customer reads their own)."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from dss_cli.commands.common import JsonFlag, client_of, note, out, print_json

accounts_app = typer.Typer(help="Customer accounts: list, read, create, change, and their history (staff).", no_args_is_help=True)

AccountId = Annotated[str, typer.Argument(help="Account id, e.g. acme.", show_default=False, metavar="ACCOUNT")]
IdempotencyKeyOption = Annotated[
    str | None, typer.Option(help="Repeat a create or change safely: the same key answers as the first time, changing nothing twice.")
]
RecommendedMax = Annotated[
    int | None, typer.Option("--recommended-max", min=1, max=100, help="Active contacts beyond this warn (the API's default: 5).")
]
HardMax = Annotated[int | None, typer.Option("--hard-max", min=1, max=1000, help="Active contacts beyond this are refused.")]
Monitoring = Annotated[
    bool | None,
    typer.Option("--monitoring-24x7/--no-monitoring-24x7", help="Monitoring alerts answered around the clock.", show_default=False),
]
ReleaseUpgrades = Annotated[int | None, typer.Option("--release-upgrades", min=0, max=12, help="Release upgrades per quarter.")]
GatewayUpdates = Annotated[int | None, typer.Option("--gateway-updates", min=0, max=52, help="Gateway updates per year.")]
EmergencyContacts = Annotated[
    str | None,
    typer.Option("--emergency-contacts", help="Contact ids monitoring calls in an emergency, in order: c-a,c-b (\"\" for none).",
                 metavar="IDS"),
]  # fmt: skip

ENTITLEMENT_OPTIONS = {
    "monitoringAroundTheClock": "--monitoring-24x7",
    "releaseUpgradesPerQuarter": "--release-upgrades",
    "gatewayUpdatesPerYear": "--gateway-updates",
}


def parse_ids(text: str) -> list[str]:
    """`c-a, c-b` -> ["c-a", "c-b"]; an empty text is no contact at all."""
    return [part.strip() for part in text.split(",") if part.strip()]


def entitlement_changes(monitoring: bool | None, upgrades: int | None, updates: int | None) -> dict[str, Any]:
    given = {"monitoringAroundTheClock": monitoring, "releaseUpgradesPerQuarter": upgrades, "gatewayUpdatesPerYear": updates}
    return {key: value for key, value in given.items() if value is not None}


def value_text(value: Any) -> str:
    """A field's value as one short text: none, yes/no, a list joined, an object as compact JSON."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(value_text(item) for item in value) or "none"
    if isinstance(value, dict):
        return ", ".join(f"{key} {value_text(item)}" for key, item in value.items()) or "none"
    return str(value)


def contacts_text(count: Any) -> str:
    return f"{count} active contact{'' if count == 1 else 's'}"


def account_rows(account: dict) -> list[tuple[str, str]]:
    entitlements = account.get("entitlements") or {}
    hard_max = account.get("hardMaxContacts")
    rows = [
        ("Account", account.get("accountId")),
        ("Name", account.get("name")),
        ("Region", account.get("region")),
        ("Monitoring 24x7", value_text(entitlements.get("monitoringAroundTheClock"))),
        ("Release upgrades", f"{entitlements.get('releaseUpgradesPerQuarter')} per quarter"),
        ("Gateway updates", f"{entitlements.get('gatewayUpdatesPerYear')} per year"),
        ("Recommended max", contacts_text(account.get("recommendedMaxContacts"))),
        ("Hard max", "no cap" if hard_max is None else contacts_text(hard_max)),
        ("Emergency", value_text(account.get("emergencyContactIds") or [])),
        ("Version", account.get("version")),
        ("Created", account.get("createdAt")),
        ("Modified", account.get("modifiedAt")),
    ]
    return [(label, str(value)) for label, value in rows if value not in (None, "")]


def print_account(account: dict) -> None:
    table = Table(show_header=False, box=None, padding=(0, 2))
    for label, value in account_rows(account):
        table.add_row(label, value)
    out.print(table)


def actor_text(actor: Any) -> str:
    if not isinstance(actor, dict):
        return ""
    who = actor.get("contactId") or actor.get("userId") or "?"
    return f"{who} ({actor.get('role')})" if actor.get("role") else str(who)


FIRST_ACTIONS = frozenset({"created", "contact added"})  # their changes set every field for the first time


def change_lines(change: dict, *, first: bool = False) -> list[str]:
    """One history change as lines: `field: to` in a creation (`first`), `field: from -> to` otherwise; an object (the
    entitlements) by the keys that changed."""
    field, before, after = change.get("field"), change.get("from"), change.get("to")
    if isinstance(before, dict) and isinstance(after, dict):
        keys = [key for key in after if before.get(key) != after.get(key)] + [key for key in before if key not in after]
        nested = [{"field": f"{field}.{key}", "from": before.get(key), "to": after.get(key)} for key in keys]
        return [line for each in nested for line in change_lines(each, first=first)]
    if first and before is None:
        return [f"{field}: {value_text(after)}"]
    return [f"{field}: {value_text(before)} -> {value_text(after)}"]


def history_changes(entry: dict) -> str:
    first = entry.get("action") in FIRST_ACTIONS
    return "\n".join(line for change in entry.get("changes") or [] for line in change_lines(change, first=first))


@accounts_app.command("list")
def accounts_list(ctx: typer.Context, as_json: JsonFlag = False) -> None:
    """Every account (staff), or your own (a customer)."""
    accounts = client_of(ctx).list_accounts()
    if as_json:
        print_json({"items": accounts})
        return
    table = Table("Account", "Name", "Region", title=f"Accounts ({len(accounts)})")
    for account in accounts:
        table.add_row(account.get("accountId"), account.get("name"), account.get("region"))
    out.print(table)


@accounts_app.command("show")
def accounts_show(ctx: typer.Context, account_id: AccountId, as_json: JsonFlag = False) -> None:
    """One account: region, entitlements, contact limits, emergency contacts."""
    account = client_of(ctx).get_account(account_id)
    if as_json:
        print_json(account)
        return
    print_account(account)


@accounts_app.command("create")
def accounts_create(
    ctx: typer.Context,
    account_id: AccountId,
    name: Annotated[str, typer.Option(help="The customer's name.", show_default=False)],
    region: Annotated[str, typer.Option(help="Support region, e.g. north-america.", show_default=False)],
    recommended_max: RecommendedMax = None,
    hard_max: HardMax = None,
    monitoring: Monitoring = None,
    release_upgrades: ReleaseUpgrades = None,
    gateway_updates: GatewayUpdates = None,
    emergency_contacts: EmergencyContacts = None,
    idempotency_key: IdempotencyKeyOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Staff: create a customer account (then add its contacts with dss contacts add)."""
    body: dict[str, Any] = {"accountId": account_id, "name": name, "region": region}
    if entitlements := entitlement_changes(monitoring, release_upgrades, gateway_updates):
        body["entitlements"] = entitlements  # the others take the API's defaults
    if recommended_max is not None:
        body["recommendedMaxContacts"] = recommended_max
    if hard_max is not None:
        body["hardMaxContacts"] = hard_max
    if emergency_contacts is not None:
        body["emergencyContactIds"] = parse_ids(emergency_contacts)
    account = client_of(ctx).create_account(body, idempotency_key)
    if as_json:
        print_json(account)
        return
    note(f"Created account {account.get('accountId')} ({account.get('name')}, {account.get('region')})")
    print_account(account)


@accounts_app.command("update")
def accounts_update(
    ctx: typer.Context,
    account_id: AccountId,
    name: Annotated[str | None, typer.Option(help="The customer's name.")] = None,
    region: Annotated[str | None, typer.Option(help="Support region.")] = None,
    recommended_max: RecommendedMax = None,
    hard_max: HardMax = None,
    no_hard_max: Annotated[bool, typer.Option("--no-hard-max", help="Remove the hard maximum.")] = False,
    monitoring: Monitoring = None,
    release_upgrades: ReleaseUpgrades = None,
    gateway_updates: GatewayUpdates = None,
    emergency_contacts: EmergencyContacts = None,
    idempotency_key: IdempotencyKeyOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Staff: change an account; only the options given change."""
    if hard_max is not None and no_hard_max:
        raise typer.BadParameter("give --hard-max N or --no-hard-max, not both")
    changes: dict[str, Any] = {}
    for key, value in (("name", name), ("region", region), ("recommendedMaxContacts", recommended_max), ("hardMaxContacts", hard_max)):
        if value is not None:
            changes[key] = value
    if no_hard_max:
        changes["hardMaxContacts"] = None
    if emergency_contacts is not None:
        changes["emergencyContactIds"] = parse_ids(emergency_contacts)
    client = client_of(ctx)
    if entitlements := entitlement_changes(monitoring, release_upgrades, gateway_updates):
        # The API takes the entitlements whole: the ones not given stay as they are.
        current = client.get_account(account_id).get("entitlements") or {}
        changes["entitlements"] = {**{key: current[key] for key in ENTITLEMENT_OPTIONS if key in current}, **entitlements}
    if not changes:
        raise typer.BadParameter("nothing to change: give at least one option (see dss accounts update --help)")
    account = client.change_account(account_id, changes, idempotency_key)
    if as_json:
        print_json(account)
        return
    note(f"Changed account {account.get('accountId')} (version {account.get('version')})")
    print_account(account)


@accounts_app.command("history")
def accounts_history(ctx: typer.Context, account_id: AccountId, as_json: JsonFlag = False) -> None:
    """Staff: every change of the account and its contacts, oldest first (who, when, each field from and to)."""
    entries = client_of(ctx).account_history(account_id)
    if as_json:
        print_json({"items": entries})
        return
    table = Table("When", "Who", "Action", "Contact", "Changes", title=f"History of {account_id}")
    for entry in entries:
        changes = history_changes(entry)
        table.add_row(entry.get("at"), actor_text(entry.get("actor")), entry.get("action"), entry.get("contactId") or "", changes)
    out.print(table)
