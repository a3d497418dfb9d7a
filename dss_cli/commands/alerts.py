"""`dss alerts`: an account's monitoring alerts and incidents (staff any account's, a customer their own), an
engineer opening a held incident's case now, an account's maintenance windows (staff schedule, end and cancel them)
and its proactive insights (staff)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Annotated

import typer
from rich.table import Table

from dss_cli.commands.cases import cell, print_page
from dss_cli.commands.common import JsonFlag, client_of, note, out, print_json

alerts_app = typer.Typer(
    help="Monitoring: an account's alerts and incidents; open a held incident's case, proactive insights (staff); maintenance windows.",
    no_args_is_help=True,
)
windows_app = typer.Typer(
    help="Maintenance windows: while one is active, the alerts of its devices are recorded but open, email and page nothing. "
    "Staff schedule, end and cancel them; everyone lists those they may see.",
    no_args_is_help=True,
)
alerts_app.add_typer(windows_app, name="windows")


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


# --- maintenance windows --------------------------------------------------------------------------------------------


class WindowStatus(StrEnum):
    scheduled = "scheduled"
    active = "active"
    ended = "ended"
    cancelled = "cancelled"


WindowId = Annotated[
    str, typer.Argument(help="Window id (32 hex digits, from dss alerts windows list).", show_default=False, metavar="WINDOW")
]
WINDOW_COLUMNS = [
    ("windowId", "Window"), ("accountId", "Account"), ("caseNumber", "Case"), ("status", "Status"), ("startsAt", "Starts"),
    ("endsAt", "Ends"), ("devices", "Devices"), ("suppressedCount", "Silenced"),
]  # fmt: skip
TIME_HELP = "ISO-8601 with its offset (2026-12-09T02:00Z, 2026-12-08T21:00-05:00) or `now`"


def instant(text: str, option: str) -> datetime:
    """A time given on the command line, in UTC: `now`, or ISO-8601 with its offset."""
    if text.strip().lower() == "now":
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not a time: give {TIME_HELP}", param_hint=option) from None
    if moment.tzinfo is None:
        raise typer.BadParameter(f"{text!r} has no offset: add Z (UTC) or e.g. -05:00", param_hint=option)
    return moment.astimezone(UTC)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def case_number(text: str) -> str:
    """Accepts 42 or 0000000042."""
    number = text.strip()
    return number.zfill(10) if number.isdigit() and len(number) <= 10 else number


def window_cell(window: dict, field: str) -> str:
    if field == "devices":
        return ", ".join(window.get("devices") or []) or "all"
    return cell(window.get(field))


def print_window(window: dict, *, as_json: bool) -> None:
    if as_json:
        print_json(window)
        return
    table = Table(show_header=False, box=None, padding=(0, 2))
    for field, label in WINDOW_COLUMNS:
        table.add_row(label, window_cell(window, field))
    out.print(table)


@windows_app.command("list")
def windows_list(
    ctx: typer.Context,
    account: Account = None,
    state: Annotated[WindowStatus | None, typer.Option(help="Only the windows of this status.")] = None,
    limit: Limit = None,
    next_token: NextToken = None,
    as_json: JsonFlag = False,
) -> None:
    """One page of an account's maintenance windows, the last scheduled first."""
    page = client_of(ctx).list_maintenance_windows(account, state.value if state else None, limit, next_token)
    if as_json:
        print_json(page)
        return
    table = Table(title=f"Maintenance windows{f' of {account}' if account else ''}{f' ({state.value})' if state else ''}")
    for field, label in WINDOW_COLUMNS:
        table.add_column(label, no_wrap=field in ("windowId", "caseNumber", "startsAt", "endsAt"))
    for window in page.get("items", []):
        table.add_row(*(window_cell(window, field) for field, _ in WINDOW_COLUMNS))
    out.print(table)
    if page.get("nextToken"):
        note(f"More: --next-token {page['nextToken']}")


@windows_app.command("create")
def windows_create(
    ctx: typer.Context,
    account: Annotated[str, typer.Option("--account", help="The account whose monitoring it silences.", metavar="ACCOUNT")],
    case: Annotated[str, typer.Option("--case", help="The account's maintenance case (42 or 0000000042).", metavar="CASE")],
    starts: Annotated[str, typer.Option(help=f"When it starts: {TIME_HELP}.")] = "now",
    ends: Annotated[str | None, typer.Option(help=f"When it ends: {TIME_HELP}; or give --hours.")] = None,
    hours: Annotated[float | None, typer.Option(min=0.01, max=72, help="How long it lasts from --starts (at most 72).")] = None,
    device: Annotated[
        list[str] | None, typer.Option("--device", help="A device it silences (repeat the option); none: every device.")
    ] = None,
    idempotency_key: Annotated[str | None, typer.Option(help="Repeat the request safely: the same key answers the same window.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Staff: schedule a maintenance window (at most 72 hours; started already: active at once)."""
    if (ends is None) == (hours is None):
        raise typer.BadParameter("give either --ends or --hours", param_hint="--ends / --hours")
    start = instant(starts, "--starts")
    end = instant(ends, "--ends") if ends is not None else start + timedelta(hours=hours or 0)
    body: dict = {"accountId": account, "caseNumber": case_number(case), "startsAt": iso(start), "endsAt": iso(end)}
    if device:
        body["devices"] = device
    window = client_of(ctx).schedule_maintenance_window(body, idempotency_key)
    if not as_json:
        note(f"Window {window.get('windowId')} is {window.get('status')}: {account}'s alerts are silenced from {window.get('startsAt')} "
             f"until 10 minutes after {window.get('endsAt')}.")  # fmt: skip
    print_window(window, as_json=as_json)


@windows_app.command("end")
def windows_end(
    ctx: typer.Context,
    window_id: WindowId,
    at: Annotated[str, typer.Option(help=f"Its new end: {TIME_HELP}.")] = "now",
    as_json: JsonFlag = False,
) -> None:
    """Staff: end a window now (or move its end with --at); alerts still firing 10 minutes later are handled as new."""
    window = client_of(ctx).change_maintenance_window(window_id, {"endsAt": iso(instant(at, "--at"))})
    if not as_json:
        note(f"Window {window.get('windowId')} ends at {window.get('endsAt')}; its alerts stay silenced 10 minutes more.")
    print_window(window, as_json=as_json)


@windows_app.command("cancel")
def windows_cancel(ctx: typer.Context, window_id: WindowId, as_json: JsonFlag = False) -> None:
    """Staff: cancel a window that has not started (end an active one with dss alerts windows end)."""
    window = client_of(ctx).cancel_maintenance_window(window_id)
    if not as_json:
        note(f"Window {window.get('windowId')} is cancelled: it silences nothing.")
    print_window(window, as_json=as_json)


# --- proactive insights ---------------------------------------------------------------------------------------------

INSIGHT_COLUMNS = [
    ("dedupKey", "Alert"), ("device", "Device"), ("severity", "Severity"), ("state", "State"), ("instance", "Instances"),
    ("triggerCount", "Triggers"), ("transitions", "Changes/h"), ("lastReceivedAt", "Last"), ("summary", "Summary"),
]  # fmt: skip
DEVICE_COLUMNS = [
    ("device", "Device"), ("alertCount", "Alerts"), ("firingCount", "Firing"), ("flappingCount", "Flapping"),
    ("triggerCount", "Triggers"), ("lastReceivedAt", "Last"),
]  # fmt: skip


@alerts_app.command("insights")
def alerts_insights(
    ctx: typer.Context,
    account: Annotated[str, typer.Option("--account", help="The account.", metavar="ACCOUNT")],
    days: Annotated[int, typer.Option(min=1, max=90, help="The period in days back from now (1-90).")] = 7,
    as_json: JsonFlag = False,
) -> None:
    """Staff: proactive-case candidates: recurring and flapping alerts, alerts per device, most significant first."""
    insights = client_of(ctx).alert_insights(account, days)
    if as_json:
        print_json(insights)
        return
    for key, title, columns in (
        ("recurring", "Recurring alerts", INSIGHT_COLUMNS),
        ("flapping", "Flapping alerts", INSIGHT_COLUMNS),
        ("devices", "Alerts per device", DEVICE_COLUMNS),
    ):
        rows = insights.get(key) or []
        table = Table(title=f"{title} of {account}, last {days} days ({len(rows)} of {insights.get(f'{key}Total', len(rows))})")
        for _, label in columns:
            table.add_column(label)
        for row in rows:
            table.add_row(*(cell(row.get(field)) for field, _ in columns))
        out.print(table)
    if insights.get("complete") is False:
        note(f"Only the first {insights.get('alertsExamined')} alerts of {account} were read: the lists cover those.")
    note("A Proactive case (POST /cases, caseType Proactive) names the alerts it is about by their keys in alertReferences.")
