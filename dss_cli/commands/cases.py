"""`dss cases`: list, read, open, update and close cases."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.table import Table

from dss_cli.api import case_path
from dss_cli.commands.common import CaseNumber, JsonFlag, client_of, note, out, print_json

cases_app = typer.Typer(help="List, read, open, update and close cases.", no_args_is_help=True)


class View(StrEnum):
    my_non_closed = "my-non-closed"
    my_open = "my-open"
    my_awaiting_info = "my-awaiting-info"
    my_solution_proposed = "my-solution-proposed"
    my_closed = "my-closed"
    all_non_closed = "all-non-closed"
    all_open = "all-open"
    all_awaiting_info = "all-awaiting-info"
    all_solution_proposed = "all-solution-proposed"
    all_closed = "all-closed"


class Queue(StrEnum):
    unassigned = "unassigned"
    mine = "mine"
    response_due = "response-due"
    waiting_on_customer = "waiting-on-customer"
    region = "region"


class CaseKind(StrEnum):
    support = "Support"
    admin = "Admin"


class WebPriority(StrEnum):
    low = "4-Low"
    medium = "3-Medium"


class SubType(StrEnum):
    problem = "Problem"
    inquiry = "Inquiry"


class Environment(StrEnum):
    production = "Production"
    development = "Development"


class ClosedAs(StrEnum):
    resolved = "Resolved"
    cancelled = "Cancelled"


@cases_app.command("list")
def cases_list(
    ctx: typer.Context,
    view: Annotated[View | None, typer.Option(help="Portal view.", show_default="my-non-closed")] = None,
    limit: Annotated[int | None, typer.Option(min=1, max=100, help="Cases per page (1-100).")] = None,
    next_token: Annotated[str | None, typer.Option(help="The nextToken of the previous page.")] = None,
    account: Annotated[str | None, typer.Option(help="Staff: the account to list (with an all- view).")] = None,
    as_json: JsonFlag = False,
) -> None:
    """One page of a case view, newest modification first."""
    page = client_of(ctx).list_cases(view.value if view else None, limit, next_token, account)
    print_page(page, f"Cases ({view.value if view else 'my-non-closed'})", LIST_COLUMNS, as_json=as_json)


@cases_app.command("queue")
def cases_queue(
    ctx: typer.Context,
    queue: Annotated[Queue, typer.Argument(help="Which support queue.")],
    region: Annotated[str | None, typer.Option(help="The region queue's region, e.g. north-america.")] = None,
    limit: Annotated[int | None, typer.Option(min=1, max=100, help="Cases per page (1-100).")] = None,
    next_token: Annotated[str | None, typer.Option(help="The nextToken of the previous page.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Staff: one page of a support queue across accounts (response-due: soonest due first; the others newest activity first)."""
    page = client_of(ctx).list_queue(queue.value, region, limit, next_token)
    print_page(page, f"Queue {queue.value}{f' ({region})' if region else ''}", QUEUE_COLUMNS, as_json=as_json)


LIST_COLUMNS = [
    ("caseNumber", "Case"), ("status", "Status"), ("subStatus", "Sub status"), ("priority", "Priority"), ("caseType", "Type"),
    ("subject", "Subject"), ("modifiedAt", "Modified"),
]  # fmt: skip
QUEUE_COLUMNS = [
    ("caseNumber", "Case"), ("accountId", "Account"), ("status", "Status"), ("priority", "Priority"), ("ownerId", "Owner"),
    ("responseDueAt", "Response due"), ("responseBreached", "Breached"), ("subject", "Subject"), ("modifiedAt", "Modified"),
]  # fmt: skip


def print_page(page: dict, title: str, columns: list[tuple[str, str]], *, as_json: bool) -> None:
    if as_json:
        print_json(page)
        return
    table = Table(title=title)
    for field, label in columns:
        table.add_column(label, no_wrap=field in ("caseNumber", "modifiedAt"))
    for item in page.get("items", []):
        table.add_row(*(cell(item.get(field)) for field, _ in columns))
    out.print(table)
    if page.get("nextToken"):
        note(f"More: --next-token {page['nextToken']}")


def cell(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None else str(value)


CASE_FIELDS = [
    ("caseNumber", "Case"), ("subject", "Subject"), ("caseType", "Type"), ("status", "Status"), ("subStatus", "Sub status"),
    ("priority", "Priority"), ("accountId", "Account"), ("contactId", "Contact"), ("ownerId", "Owner"), ("product", "Product"),
    ("majorVersion", "Version"), ("environmentType", "Environment"), ("createdAt", "Opened"), ("modifiedAt", "Modified"),
    ("responseDueAt", "Response due"), ("firstResponseAt", "First response"), ("closedAt", "Closed"), ("description", "Description"),
]  # fmt: skip


def print_case(case: dict) -> None:
    table = Table(show_header=False, box=None, padding=(0, 2))
    for key, label in CASE_FIELDS:
        if case.get(key) not in (None, ""):
            table.add_row(label, str(case[key]))
    action = case.get("nextAutomatedAction")
    if action:
        table.add_row("Next automated", f"{action.get('description')} at {action.get('dueAt')}")
    out.print(table)


@cases_app.command("show")
def cases_show(ctx: typer.Context, case_number: CaseNumber, as_json: JsonFlag = False) -> None:
    """One case and its updates, oldest first."""
    client = client_of(ctx)
    case = client.get_case(case_number)
    updates = client.list_updates(case_number)
    if as_json:
        print_json({**case, "updates": updates})
        return
    print_case(case)
    if updates:
        table = Table("When", "Who", "Kind", "Text", title="Updates")
        for update in updates:
            author = update.get("author") or {}
            table.add_row(update.get("createdAt"), f"{author.get('userId')} ({author.get('role')})", update.get("kind"), update.get("text"))
        out.print(table)


@cases_app.command("open")
def cases_open(
    ctx: typer.Context,
    subject: Annotated[str, typer.Option(help="One line.", show_default=False)],
    description: Annotated[str, typer.Option(help="As descriptive as possible, including recent changes.", show_default=False)],
    case_type: Annotated[
        CaseKind, typer.Option("--type", help="Support (a product problem) or Admin (portal account).")
    ] = CaseKind.support,
    priority: Annotated[
        WebPriority | None, typer.Option(help="The web allows 4-Low (default) or 3-Medium; call for High or Prod Down.")
    ] = None,
    product: Annotated[str | None, typer.Option(help="Support cases: the product, e.g. 'CIC Server'.")] = None,
    product_group: Annotated[str | None, typer.Option(help="Support cases: e.g. PureConnect.")] = None,
    major_version: Annotated[str | None, typer.Option("--major-version", help="Support cases: e.g. '2020 R1'.")] = None,
    sub_type: Annotated[SubType, typer.Option(help="Support cases.")] = SubType.problem,
    environment: Annotated[Environment, typer.Option(help="Support cases.")] = Environment.production,
    business_impact: Annotated[str | None, typer.Option(help="e.g. number of agents or calls affected.")] = None,
    on_behalf_of: Annotated[str | None, typer.Option(help="Staff: ACCOUNT:CONTACT the (phone) case is for.")] = None,
    idempotency_key: Annotated[str | None, typer.Option(help="Repeat a create safely: the same key returns the same case.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Open a Support or Admin case."""
    body: dict[str, Any] = {"caseType": case_type.value, "subject": subject, "description": description}
    if priority:
        body["priority"] = priority.value
    if case_type is CaseKind.support:
        missing = [
            flag
            for flag, value in (("--product", product), ("--product-group", product_group), ("--major-version", major_version))
            if not value
        ]
        if missing:
            raise typer.BadParameter(f"a Support case needs {', '.join(missing)} (or open an Admin case with --type Admin)")
        body.update(
            {
                "caseSubType": sub_type.value,
                "environmentType": environment.value,
                "product": product,
                "productGroup": product_group,
                "majorVersion": major_version,
            }
        )
        if business_impact:
            body["businessImpact"] = business_impact
    elif product or product_group or major_version or business_impact:
        raise typer.BadParameter("--product, --product-group, --major-version and --business-impact are for Support cases")
    if on_behalf_of:
        account_id, _, contact_id = on_behalf_of.partition(":")
        if not account_id or not contact_id:
            raise typer.BadParameter("--on-behalf-of takes ACCOUNT:CONTACT, e.g. acme:c-carol")
        body["onBehalfOf"] = {"accountId": account_id, "contactId": contact_id}
    case = client_of(ctx).open_case(body, idempotency_key)
    if as_json:
        print_json(case)
        return
    note(f"Opened case {case.get('caseNumber')} ({case.get('priority')}, {case.get('status')}/{case.get('subStatus')})")
    print_case(case)


@cases_app.command("update")
def cases_update(
    ctx: typer.Context,
    case_number: CaseNumber,
    text: Annotated[str, typer.Argument(help="Plain text.", show_default=False, metavar="TEXT")],
    as_json: JsonFlag = False,
) -> None:
    """Post an update (a customer's update on a case waiting for them sets it back to Open)."""
    update = client_of(ctx).add_update(case_number, text)
    if as_json:
        print_json(update)
        return
    note(f"Posted update {update.get('updateId')} on case {case_path(case_number)}")


@cases_app.command("close")
def cases_close(
    ctx: typer.Context,
    case_number: CaseNumber,
    sub_status: Annotated[ClosedAs, typer.Option(help="Resolved or Cancelled.", show_default=False)],
    comment: Annotated[str, typer.Option(help="The closure comment.", show_default=False)],
    reason: Annotated[str | None, typer.Option(help="Staff only (required for them): solution-accepted or customer-asked.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Close a case (it can be reopened within 30 days; its files are purged 30 days after closure)."""
    body = {"subStatus": sub_status.value, "comment": comment, **({"reason": reason} if reason else {})}
    case = client_of(ctx).close_case(case_number, body)
    if as_json:
        print_json(case)
        return
    note(f"Closed case {case.get('caseNumber')} as {case.get('subStatus')}")
