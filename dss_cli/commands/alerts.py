"""`dss alerts`: an account's monitoring alerts and incidents (staff any account's, a customer their own), and an
engineer opening a held incident's case now."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer
from rich.table import Table

from dss_cli.commands.cases import cell, print_page
from dss_cli.commands.common import JsonFlag, client_of, note, out, print_json

alerts_app = typer.Typer(help="Monitoring: an account's alerts and incidents; open a held incident's case (staff).", no_args_is_help=True)


class AlertState(StrEnum):
    firing = "firing"
    resolved = "resolved"


class IncidentStatus(StrEnum):
    held = "held"
    requested = "requested"
    open = "open"
    closed = "closed"


Account = Annotated[
    str | None, typer.Option("--account", help="Staff: the account (required). A customer: leave it out (your own).", metavar="ACCOUNT")
]
Limit = Annotated[int | None, typer.Option(min=1, max=100, help="Per page (1-100); a page filtered by --state may hold fewer.")]
NextToken = Annotated[str | None, typer.Option(help="The nextToken of the previous page.")]
GroupId = Annotated[
    str, typer.Argument(help="Incident id (32 hex digits, from dss alerts groups).", show_default=False, metavar="INCIDENT")
]

ALERT_COLUMNS = [
    ("dedupKey", "Alert"), ("device", "Device"), ("severity", "Severity"), ("state", "State"), ("triggerCount", "Triggers"),
    ("flapping", "Flapping"), ("stateAt", "Since"), ("groupId", "Incident"), ("summary", "Summary"),
]  # fmt: skip
GROUP_COLUMNS = [
    ("groupId", "Incident"), ("status", "Status"), ("caseNumber", "Case"), ("device", "Device"), ("severity", "Severity"),
    ("alertCount", "Alerts"), ("detectedAt", "Detected"), ("opensAt", "Opens"), ("summary", "Summary"),
]  # fmt: skip


@alerts_app.command("list")
def alerts_list(
    ctx: typer.Context,
    account: Account = None,
    state: Annotated[AlertState | None, typer.Option(help="Only those firing, or only those resolved.")] = None,
    limit: Limit = None,
    next_token: NextToken = None,
    as_json: JsonFlag = False,
) -> None:
    """One page of an account's alerts, by dedup key: state, triggers, incident."""
    page = client_of(ctx).list_alerts(account, state.value if state else None, limit, next_token)
    title = f"Alerts{f' of {account}' if account else ''}{f' ({state.value})' if state else ''}"
    print_page(page, title, ALERT_COLUMNS, as_json=as_json)


@alerts_app.command("groups")
def alerts_groups(
    ctx: typer.Context,
    account: Account = None,
    state: Annotated[IncidentStatus | None, typer.Option(help="Only the incidents of this status.")] = None,
    limit: Limit = None,
    next_token: NextToken = None,
    as_json: JsonFlag = False,
) -> None:
    """One page of an account's incidents (alert groups), newest first: status, case, alerts."""
    page = client_of(ctx).list_alert_groups(account, state.value if state else None, limit, next_token)
    title = f"Incidents{f' of {account}' if account else ''}{f' ({state.value})' if state else ''}"
    print_page(page, title, GROUP_COLUMNS, as_json=as_json)


@alerts_app.command("open-case")
def alerts_open_case(
    ctx: typer.Context,
    group_id: GroupId,
    idempotency_key: Annotated[str | None, typer.Option(help="Repeat the request safely: the same key answers as the first time.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Staff: open a held incident's 1-Prod Down case now instead of at the business opening."""
    group = client_of(ctx).open_incident_case(group_id, idempotency_key)
    if as_json:
        print_json(group)
        return
    note(f"Asked for the case of incident {group.get('groupId')} ({group.get('accountId')}); it opens within seconds.")
    table = Table(show_header=False, box=None, padding=(0, 2))
    for field, label in GROUP_COLUMNS:
        if group.get(field) not in (None, ""):
            table.add_row(label, cell(group.get(field)))
    out.print(table)
