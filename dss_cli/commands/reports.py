"""`dss reports`: an account's Open/Closed case report for a period (the summary and its three sections, or the CSV
the emails attach, saved byte for byte), and the subscriptions that email it on a cadence (staff, and a customer
account's administrators and MAC-authorized contacts, manage them; everyone of the account reads them).

Report periods are US Eastern days, so its times are shown in US Eastern (ET), as the CSV and the emails show them."""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import typer
from rich.table import Table
from rich.text import Text

from dss_cli.api import CsvAnswer
from dss_cli.commands.accounts import IdempotencyKeyOption, actor_text
from dss_cli.commands.alerts import case_number
from dss_cli.commands.common import JsonFlag, client_of, note, out, print_json
from dss_cli.downloads import safe_name
from dss_cli.errors import CliError

reports_app = typer.Typer(
    help="Case reports: an account's cases opened, closed and open at the end of a period, as tables or the CSV; "
    "the subscriptions that email them.",
    no_args_is_help=True,
)
subscriptions_app = typer.Typer(
    help="Report subscriptions: the report emailed on a cadence (06:00 ET on the day a period ends) to a list of recipients. "
    "Staff, and an account's administrators and MAC-authorized contacts, manage them; the account's contacts read them.",
    no_args_is_help=True,
)
reports_app.add_typer(subscriptions_app, name="subscriptions")


class Cadence(StrEnum):
    weekly = "weekly"
    biweekly = "biweekly"
    monthly = "monthly"
    quarterly = "quarterly"


DAY_FORMATS = ["%Y-%m-%d"]
Account = Annotated[
    str | None, typer.Option("--account", help="Staff: the account (required). A customer: leave it out (your own).", metavar="ACCOUNT")
]
Period = Annotated[Cadence | None, typer.Option("--period", help="A cadence's period (Monday to Sunday, two weeks, a month, a quarter).")]
PeriodStart = Annotated[
    datetime | None,
    typer.Option("--period-start", formats=DAY_FORMATS, metavar="YYYY-MM-DD",
                 help="A day of the period (US Eastern); left out, the last complete period."),
]  # fmt: skip
FirstDay = Annotated[
    datetime | None, typer.Option("--from", formats=DAY_FORMATS, metavar="YYYY-MM-DD", help="A range's first day (US Eastern), with --to.")
]
LastDay = Annotated[datetime | None, typer.Option("--to", formats=DAY_FORMATS, metavar="YYYY-MM-DD", help="A range's last day, included.")]
Output = Annotated[
    str | None,
    typer.Option("--output", "-o", metavar="FILE",
                 help="Target file or directory, or - for stdout; left out, the API's file name here."),
]  # fmt: skip
Force = Annotated[bool, typer.Option("--force", help="Replace an existing target file.")]
CsvJson = Annotated[bool, typer.Option("--json", help="Print path, file name, rows and bytes as JSON.")]
SubscriptionId = Annotated[
    str, typer.Argument(help="Subscription id (rs-…, from dss reports subscriptions list).", show_default=False, metavar="SUBSCRIPTION")
]
Recipients = Annotated[
    list[str] | None,
    typer.Option("--recipient", metavar="EMAIL",
                 help="A recipient (repeat the option). The account's contacts receive at once, other addresses once they confirm."),
]  # fmt: skip
Anchor = Annotated[
    datetime | None,
    typer.Option("--anchor", formats=DAY_FORMATS, metavar="YYYY-MM-DD",
                 help="Bi-weekly only: a Monday that starts a period; left out, this week's Monday."),
]  # fmt: skip


# --- times and figures as people read them ----------------------------------------------------------------------------


def eastern_zone() -> ZoneInfo | None:
    """US Eastern; None where the system has no time zone database (Windows without the tzdata package): times stay UTC."""
    try:
        return ZoneInfo("America/New_York")
    except ZoneInfoNotFoundError:
        return None


EASTERN = eastern_zone()


def eastern(value: Any) -> str:
    """An API time (UTC ISO-8601) as `2026-12-07 09:30 ET`; none as empty; text that is no time as it came."""
    if value in (None, ""):
        return ""
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if moment.tzinfo is None:
        return str(value)
    if EASTERN is None:
        return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M} UTC"
    return f"{moment.astimezone(EASTERN):%Y-%m-%d %H:%M} ET"


def duration(hours: Any) -> str:
    """Hours to close as the portal shows them: hours under two days, days beyond."""
    if not isinstance(hours, int | float) or isinstance(hours, bool):
        return ""
    return f"{hours:.1f} hours" if hours < 48 else f"{hours / 24:.1f} days"


def change(now: Any, before: Any) -> str:
    if not isinstance(before, int) or not isinstance(now, int):
        return "no previous period to compare"
    if now == before:
        return "same as the previous period"
    return f"{now - before:+d} vs the previous period ({before})"


def plain(value: Any) -> Text:
    """A cell as literal text: a subject like "[urgent] …" is not read as rich markup."""
    return Text("" if value is None else str(value))


def key_value_table(rows: list[tuple[str, Any]]) -> Table:
    table = Table(show_header=False, box=None, padding=(0, 2))
    for label, value in rows:
        if value not in (None, ""):
            table.add_row(label, plain(value))
    return table


# --- the report ---------------------------------------------------------------------------------------------------------


def period_params(
    account: str | None, period: Cadence | None, period_start: datetime | None, first: datetime | None, last: datetime | None
) -> dict[str, str | None]:
    """The query for GET /reports/cases: a cadence's period (the one holding --period-start, or the last complete one)
    or a range of days; refused before anything is sent when the options do not make one."""
    if period is not None and (first or last):
        raise typer.BadParameter("give --period (with --period-start) or --from and --to, not both", param_hint="--period / --from")
    if period is None:
        if period_start is not None:
            raise typer.BadParameter("--period-start goes with --period", param_hint="--period-start")
        if first is None or last is None:
            raise typer.BadParameter("give --period weekly|biweekly|monthly|quarterly, or --from and --to", param_hint="--period / --from")
    return {
        "accountId": account,
        "period": period.value if period else None,
        "periodStart": period_start.date().isoformat() if period_start else None,
        "from": first.date().isoformat() if first else None,
        "to": last.date().isoformat() if last else None,
    }


def next_action(case: dict) -> str:
    action = case.get("nextAutomatedAction")
    if not isinstance(action, dict):
        return ""
    description = str(action.get("description") or action.get("action") or "")
    due = action.get("dueAt") or action.get("due_at")
    return f"{description}, due {eastern(due)}" if due else description


def status_text(case: dict) -> str:
    return f"{case.get('status')} ({case['subStatus']})" if case.get("subStatus") else str(case.get("status") or "")


# Each section: its key, title, what is said when it is empty, and its columns (label, value of a case, right-aligned).
Column = tuple[str, Callable[[dict], Any], bool]
SECTIONS: list[tuple[str, str, str, list[Column]]] = [
    ("openAtEnd", "Open at the end of the period, the oldest first", "No case was open at the end of the period.", [
        ("Case", lambda c: c.get("caseNumber"), False),
        ("Subject", lambda c: c.get("subject"), False),
        ("Priority", lambda c: c.get("priority"), False),
        ("Status", status_text, False),
        ("Opened", lambda c: eastern(c.get("createdAt")), False),
        ("Age (business days)", lambda c: c.get("ageBusinessDays"), True),
        ("Owner", lambda c: c.get("ownerId") or "unassigned", False),
        ("Next automated action", next_action, False),
    ]),
    ("opened", "Opened in the period", "No case was opened in the period.", [
        ("Case", lambda c: c.get("caseNumber"), False),
        ("Subject", lambda c: c.get("subject"), False),
        ("Type", lambda c: c.get("caseType"), False),
        ("Priority", lambda c: c.get("priority"), False),
        ("Status now", status_text, False),
        ("Opened", lambda c: eastern(c.get("createdAt")), False),
    ]),
    ("closed", "Closed in the period, in order of closure", "No case was closed in the period.", [
        ("Case", lambda c: c.get("caseNumber"), False),
        ("Subject", lambda c: c.get("subject"), False),
        ("Sub status", lambda c: c.get("subStatus"), False),
        ("Opened", lambda c: eastern(c.get("createdAt")), False),
        ("Closed", lambda c: eastern(c.get("closedAt")), False),
        ("Time to close", lambda c: duration(c.get("hoursToClose")), True),
    ]),
]  # fmt: skip


def summary_rows(report: dict) -> list[tuple[str, str]]:
    summary = report.get("summary") or {}
    counts, previous = summary.get("counts") or {}, summary.get("previous") or {}
    rows = [
        (label, f"{counts.get(key)}  {change(counts.get(key), previous.get(key))}")
        for label, key in (("Opened", "opened"), ("Closed", "closed"), ("Open at the end", "openAtEnd"))
    ]
    responses = summary.get("firstResponses") or {}
    share = responses.get("share")
    if responses.get("measured") and isinstance(share, int | float):
        within = f"{round(share * 100)}%  {responses.get('withinTarget')} of {responses.get('measured')}"
        rows.append(("First responses within target", within))
    else:
        rows.append(("First responses within target", "no first response was due"))
    median = summary.get("medianHoursToClose")
    rows.append(("Median time to close", duration(median) if median is not None else "none closed"))
    return rows


def print_report(report: dict) -> None:
    period = report.get("period") or {}
    cadence = period.get("cadence")
    kind = f"{str(cadence).capitalize()} report" if cadence else "A range of dates"
    out.print(Text(f"{report.get('accountName')} ({report.get('accountId')}): {period.get('label')}", style="bold"))
    days = f"{period.get('firstDay')} to {period.get('lastDay')}"
    out.print(Text(f"{kind}, {days} (US Eastern); generated {eastern(report.get('generatedAt'))}"))
    out.print(key_value_table(summary_rows(report)))
    out.print()
    for key, title, empty, columns in SECTIONS:
        cases = report.get(key) or []
        if not cases:
            out.print(Text(f"{title}: none. {empty}"))
            continue
        table = Table(title=f"{title} ({len(cases)})")
        for label, _, right in columns:
            table.add_column(label, justify="right" if right else "left", no_wrap=label in ("Case", "Opened", "Closed"))
        for case in cases:
            table.add_row(*(plain(value(case)) for _, value, _ in columns))
        out.print(table)


@reports_app.command("show")
def reports_show(
    ctx: typer.Context,
    account: Account = None,
    period: Period = None,
    period_start: PeriodStart = None,
    first: FirstDay = None,
    last: LastDay = None,
    as_json: JsonFlag = False,
) -> None:
    """A period's report: the summary with the change against the previous period, then the cases open at its end, opened and closed."""
    report = client_of(ctx).case_report(period_params(account, period, period_start, first, last))
    if as_json:
        print_json(report)
        return
    print_report(report)


# --- the CSV, saved as the API sent it ----------------------------------------------------------------------------------


def csv_rows(content: bytes) -> Counter[str]:
    """Rows per section (the first column) after the header; a subject's line breaks stay inside its row."""
    try:
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    except (UnicodeDecodeError, csv.Error):
        return Counter()
    return Counter(row[0] if row else "" for row in rows[1:])


def csv_target(output: str | None, file_name: str) -> Path:
    if output is None:
        return Path.cwd() / file_name
    path = Path(output)
    return path / file_name if path.is_dir() else path


def save_atomically(target: Path, content: bytes, *, overwrite: bool) -> None:
    """Written to a temporary file next to the target, then renamed: a failed write never leaves half a CSV under its name."""
    if target.exists() and not overwrite:
        raise CliError(f"{target} exists; choose another -o FILE or pass --force to replace it")
    if not target.parent.is_dir():
        raise CliError(f"{target.parent} is not a directory")
    fd, partial = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".dss-partial")
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(content)
        mask = os.umask(0o077)
        os.umask(mask)
        os.chmod(partial, 0o666 & ~mask)  # mkstemp made it private; the target gets the usual mode
        os.replace(partial, target)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise


def check_output(output: str | None, force: bool, as_json: bool) -> None:
    """What can be refused before the request is."""
    if output == "-":
        if as_json:
            raise typer.BadParameter("--json describes a saved file; with -o - the CSV itself is the output", param_hint="--json")
        return
    if output is not None and not force and Path(output).exists() and not Path(output).is_dir():
        raise CliError(f"{output} exists; choose another -o FILE or pass --force to replace it")


def save_csv(answer: CsvAnswer, output: str | None, *, force: bool, as_json: bool, fallback: str) -> None:
    sections = csv_rows(answer.content)
    rows = sum(sections.values())
    detail = ", ".join(f"{count} {section}" for section, count in sections.items())
    summary = f"{rows} row{'' if rows == 1 else 's'}{f' ({detail})' if detail else ''}"
    if output == "-":
        stdout = typer.get_binary_stream("stdout")
        stdout.write(answer.content)
        stdout.flush()
        note(f"Wrote {len(answer.content)} bytes of CSV: {summary}")
        return
    file_name = safe_name(answer.file_name or fallback)
    target = csv_target(output, file_name)
    save_atomically(target, answer.content, overwrite=force)
    if as_json:
        print_json({"path": str(target), "fileName": file_name, "rows": rows, "sections": dict(sections), "bytes": len(answer.content)})
        return
    typer.echo(f"Saved {target}: {summary}, {len(answer.content)} bytes")


@reports_app.command("csv")
def reports_csv(
    ctx: typer.Context,
    account: Account = None,
    period: Period = None,
    period_start: PeriodStart = None,
    first: FirstDay = None,
    last: LastDay = None,
    output: Output = None,
    force: Force = False,
    as_json: CsvJson = False,
) -> None:
    """A period's report as the CSV the emails attach (UTF-8 with BOM, one row per case and section), saved byte for byte."""
    params = period_params(account, period, period_start, first, last)
    check_output(output, force, as_json)
    answer = client_of(ctx).case_report_csv(params)
    save_csv(answer, output, force=force, as_json=as_json, fallback="case-report.csv")


# --- subscriptions ------------------------------------------------------------------------------------------------------


def recipients_text(subscription: dict) -> str:
    """`2 active, 1 pending`."""
    counts = Counter(str(each.get("status")) for each in subscription.get("recipients") or [])
    return ", ".join(f"{counts[status]} {status}" for status in ("active", "pending", "unsubscribed") if counts[status]) or "none"


def last_delivery_text(subscription: dict) -> str:
    last = subscription.get("lastDelivery")
    if not isinstance(last, dict):
        return ""
    count = last.get("recipients")
    return f"{last.get('label')}, sent {eastern(last.get('sentAt'))} to {count} recipient{'' if count == 1 else 's'}"


def next_delivery_text(subscription: dict) -> str:
    return "paused" if subscription.get("paused") else eastern(subscription.get("nextDeliveryAt"))


def print_subscription(subscription: dict) -> None:
    created = " ".join(part for part in (eastern(subscription.get("createdAt")), actor_text(subscription.get("createdBy"))) if part)
    out.print(key_value_table([
        ("Subscription", subscription.get("subscriptionId")),
        ("Account", subscription.get("accountId")),
        ("Cadence", subscription.get("cadence")),
        ("Anchor", subscription.get("anchor")),
        ("State", "paused" if subscription.get("paused") else "active"),
        ("Next delivery", next_delivery_text(subscription)),
        ("Last delivery", last_delivery_text(subscription)),
        ("Recipients", recipients_text(subscription)),
        ("Case", subscription.get("caseNumber")),
        ("Created", created),
        ("Modified", eastern(subscription.get("modifiedAt"))),
        ("Version", subscription.get("version")),
    ]))  # fmt: skip
    recipients = subscription.get("recipients") or []
    if recipients:
        table = Table("Email", "Status", "Contact", "Added", "Confirmed", "Unsubscribed", title="Recipients")
        for each in recipients:
            table.add_row(*(plain(value) for value in (
                each.get("email"), each.get("status"), each.get("contactId"), eastern(each.get("addedAt")),
                eastern(each.get("confirmedAt")), eastern(each.get("unsubscribedAt")),
            )))  # fmt: skip
        out.print(table)


def answer_subscription(subscription: dict, *, as_json: bool) -> None:
    if as_json:
        print_json(subscription)
    else:
        print_subscription(subscription)


def pending_note(subscription: dict) -> None:
    pending = [each.get("email") for each in subscription.get("recipients") or [] if each.get("status") == "pending"]
    if pending:
        note(f"Asked to confirm by email before they receive anything: {', '.join(str(email) for email in pending)}.")


@subscriptions_app.command("list")
def subscriptions_list(ctx: typer.Context, account: Account = None, as_json: JsonFlag = False) -> None:
    """An account's report subscriptions, oldest first: cadence, recipients, next and last delivery."""
    answer = client_of(ctx).list_report_subscriptions(account)
    if as_json:
        print_json(answer)
        return
    items = answer.get("items") or []
    table = Table(title=f"Report subscriptions{f' of {account}' if account else ''} ({len(items)})")
    for label in ("Subscription", "Account", "Cadence", "Recipients", "Next delivery", "Last delivery", "Case"):
        table.add_column(label, no_wrap=label in ("Subscription", "Next delivery"))
    for each in items:
        table.add_row(*(plain(value) for value in (
            each.get("subscriptionId"), each.get("accountId"), each.get("cadence"), recipients_text(each), next_delivery_text(each),
            last_delivery_text(each), each.get("caseNumber"),
        )))  # fmt: skip
    out.print(table)


@subscriptions_app.command("create")
def subscriptions_create(
    ctx: typer.Context,
    account: Annotated[str, typer.Option("--account", help="The account whose report it sends.", metavar="ACCOUNT")],
    cadence: Annotated[Cadence, typer.Option("--cadence", help="How often: each period's report is sent at 06:00 ET the day it ends.")],
    recipients: Recipients = None,
    anchor: Anchor = None,
    case: Annotated[str | None, typer.Option("--case", help="The case that asked for it (42 or 0000000042).", metavar="CASE")] = None,
    idempotency_key: IdempotencyKeyOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Subscribe an account to its case report; without --recipient, its contacts marked as report recipients receive it."""
    body: dict[str, Any] = {"accountId": account, "cadence": cadence.value}
    if recipients:
        body["recipients"] = recipients
    if anchor is not None:
        body["anchor"] = anchor.date().isoformat()
    if case:
        body["caseNumber"] = case_number(case)
    subscription = client_of(ctx).create_report_subscription(body, idempotency_key)
    if not as_json:
        note(f"Created subscription {subscription.get('subscriptionId')} ({subscription.get('cadence')}) for "
             f"{subscription.get('accountId')}: recipients {recipients_text(subscription)}; next delivery "
             f"{next_delivery_text(subscription)}.")  # fmt: skip
        pending_note(subscription)
    answer_subscription(subscription, as_json=as_json)


@subscriptions_app.command("show")
def subscriptions_show(ctx: typer.Context, subscription_id: SubscriptionId, as_json: JsonFlag = False) -> None:
    """One subscription: its schedule, last delivery and each recipient's state."""
    answer_subscription(client_of(ctx).get_report_subscription(subscription_id), as_json=as_json)


@subscriptions_app.command("update")
def subscriptions_update(
    ctx: typer.Context,
    subscription_id: SubscriptionId,
    cadence: Annotated[Cadence | None, typer.Option("--cadence", help="A new cadence (its next period's report is the next sent).")] = None,
    recipients: Annotated[
        list[str] | None,
        typer.Option(
            "--recipient",
            metavar="EMAIL",
            help="The whole new list (repeat the option): kept addresses keep their state, new ones are added as on creation, "
            "missing ones removed.",
        ),
    ] = None,  # fmt: skip
    anchor: Anchor = None,
    paused: Annotated[
        bool | None, typer.Option("--pause/--resume", help="Send nothing until resumed, or resume.", show_default=False)
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Change a subscription; only the options given change."""
    changes: dict[str, Any] = {}
    if cadence is not None:
        changes["cadence"] = cadence.value
    if recipients:
        changes["recipients"] = recipients
    if anchor is not None:
        changes["anchor"] = anchor.date().isoformat()
    if paused is not None:
        changes["paused"] = paused
    if not changes:
        raise typer.BadParameter("nothing to change: give at least one option (see dss reports subscriptions update --help)")
    subscription = client_of(ctx).change_report_subscription(subscription_id, changes)
    if not as_json:
        note(f"Changed subscription {subscription.get('subscriptionId')} (version {subscription.get('version')}): "
             f"next delivery {next_delivery_text(subscription)}.")  # fmt: skip
        pending_note(subscription)
    answer_subscription(subscription, as_json=as_json)


@subscriptions_app.command("delete")
def subscriptions_delete(ctx: typer.Context, subscription_id: SubscriptionId) -> None:
    """Delete a subscription: nothing more is sent, and its deliveries are no longer listed (save their CSVs first)."""
    client_of(ctx).delete_report_subscription(subscription_id)
    note(f"Deleted subscription {subscription_id}: nothing more is sent.")


@subscriptions_app.command("send")
def subscriptions_send(ctx: typer.Context, subscription_id: SubscriptionId, as_json: JsonFlag = False) -> None:
    """Email the last complete period's report to every active recipient now (sent once, never retried); the schedule is unchanged."""
    subscription = client_of(ctx).send_report(subscription_id)
    if not as_json:
        note(f"Sent: {last_delivery_text(subscription) or 'no delivery recorded'}.")
    answer_subscription(subscription, as_json=as_json)


@subscriptions_app.command("runs")
def subscriptions_runs(ctx: typer.Context, subscription_id: SubscriptionId, as_json: JsonFlag = False) -> None:
    """The reports a subscription delivered, the latest first (kept 400 days); each one's CSV: run-csv ID FIRST_DAY."""
    answer = client_of(ctx).report_runs(subscription_id)
    if as_json:
        print_json(answer)
        return
    items = answer.get("items") or []
    table = Table(title=f"Reports delivered by {subscription_id} ({len(items)})")
    for label in ("First day", "Period", "Sent", "Opened", "Closed", "Open at end", "Recipients", "File"):
        table.add_column(label, justify="right" if label in ("Opened", "Closed", "Open at end", "Recipients") else "left",
                         no_wrap=label in ("First day", "Sent"))  # fmt: skip
    for run in items:
        table.add_row(*(plain(value) for value in (
            run.get("firstDay"), run.get("label"), eastern(run.get("sentAt")), run.get("opened"), run.get("closed"), run.get("openAtEnd"),
            run.get("recipients"), run.get("fileName"),
        )))  # fmt: skip
    out.print(table)


@subscriptions_app.command("run-csv")
def subscriptions_run_csv(
    ctx: typer.Context,
    subscription_id: SubscriptionId,
    first_day: Annotated[
        datetime,
        typer.Argument(
            formats=DAY_FORMATS,
            metavar="FIRST_DAY",
            show_default=False,
            help="The delivered period's first day (from dss reports subscriptions runs).",
        ),
    ],  # fmt: skip
    output: Output = None,
    force: Force = False,
    as_json: CsvJson = False,
) -> None:
    """A delivered report's CSV, byte for byte as it was attached to the email."""
    check_output(output, force, as_json)
    day: date = first_day.date()
    answer = client_of(ctx).report_run_csv(subscription_id, day.isoformat())
    save_csv(answer, output, force=force, as_json=as_json, fallback=f"case-report-{day.isoformat()}.csv")
