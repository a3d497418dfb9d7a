"""The `dss` command line: cases and their files on the Dedicated Support Services desk."""

from __future__ import annotations

import functools
import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn, TransferSpeedColumn
from rich.table import Table

from dss_cli import DEFAULT_PARALLEL, __version__
from dss_cli.api import ApiClient, ApiError, CliError, case_path, refuse_token_over_plain_http
from dss_cli.checksums import from_b64
from dss_cli.config import ConfigError, Credentials, config_file, forget_login, resolve, save_login, uploads_dir
from dss_cli.transfer import NoProgress, parse_size

app = typer.Typer(
    name="dss",
    help="The Dedicated Support Services case desk from the command line: cases, and files attached to them.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # a traceback must never print the token
    context_settings={"help_option_names": ["-h", "--help"]},
)
cases_app = typer.Typer(help="List, read, open, update and close cases.", no_args_is_help=True)
files_app = typer.Typer(help="Upload files to a case (parallel, resumable, checksummed), list and download them.", no_args_is_help=True)
app.add_typer(cases_app, name="cases")
app.add_typer(files_app, name="files")

# Piped output (no terminal) gets wide tables instead of rich's 80 columns; --json is the format for scripts.
out = Console(soft_wrap=False, width=None if sys.stdout.isatty() else 200)
err = Console(stderr=True)


class Connection:
    """The global options; the API client is made on first use, so --help and usage errors need no login."""

    def __init__(self, api: str | None, token: str | None, session: Path | None, role: str | None):
        self.api, self.token, self.session, self.role = api, token, session, role
        self._client: ApiClient | None = None

    def credentials(self) -> Credentials:
        return resolve(self.api, self.token, self.session, self.role)

    def client(self) -> ApiClient:
        if self._client is None:
            credentials = self.credentials()
            self._client = ApiClient(credentials.api, credentials.token)
        return self._client


def fail(message: str, code: int = 1) -> typer.Exit:
    typer.echo(f"Error: {message}", err=True)  # one plain line (rich would wrap and interpret brackets)
    return typer.Exit(code)


def note(message: str) -> None:
    """A message for the person at the terminal (stderr; stdout stays the command's output)."""
    typer.echo(message, err=True)


def cli_errors(command):
    """API, network and configuration errors become one line on stderr and exit code 1 (130 on Ctrl-C)."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except CliError as error:
            raise fail(error.one_line(), getattr(error, "exit_code", 1)) from None
        except ConfigError as error:
            raise fail(str(error)) from None
        except KeyboardInterrupt:
            raise fail("interrupted", 130) from None

    return wrapper


def connection_of(ctx: typer.Context) -> Connection:
    return ctx.find_object(Connection) or Connection(None, None, None, None)


def client_of(ctx: typer.Context) -> ApiClient:
    return connection_of(ctx).client()


def print_json(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False))


def version_callback(value: bool) -> None:
    if value:
        typer.echo(f"dss {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    ctx: typer.Context,
    api: Annotated[
        str | None, typer.Option("--api", envvar="DSS_API", help="API URL (overrides login and session).", show_envvar=True)
    ] = None,
    token: Annotated[
        str | None, typer.Option("--token", envvar="DSS_TOKEN", help="ID token (overrides login and session).", show_envvar=True)
    ] = None,
    session: Annotated[
        Path | None, typer.Option("--session", help="Session file of the local stack.", show_default=".local/session.json", metavar="FILE")
    ] = None,
    role: Annotated[
        str | None, typer.Option("--as", help="Role whose token to take from the session file.", show_default="customer", metavar="ROLE")
    ] = None,
    version: Annotated[bool, typer.Option("--version", callback=version_callback, is_eager=True, help="Print the version.")] = False,
) -> None:
    """Credentials: `dss login`, or the local stack's session file (`make run`), or --api/--token."""
    ctx.obj = Connection(api, token, session, role)


# --- login ------------------------------------------------------------------------------------------


@app.command()
@cli_errors
def login(
    ctx: typer.Context,
    api: Annotated[str, typer.Option("--api", help="The API URL, e.g. the stack's ApiUrl output.", prompt="API URL")],
    token: Annotated[str, typer.Option("--token", help="Your ID token.", prompt="Token", hide_input=True)],
    verify: Annotated[bool, typer.Option(help="Check the token with one request before saving it.")] = True,
) -> None:
    """Save an API URL and token in your config directory (used when no other credentials are given)."""
    refuse_token_over_plain_http(api.strip())
    if verify:
        with ApiClient(api.rstrip("/"), token.strip()) as client:
            try:
                client.list_cases(limit=1)
            except ApiError as error:
                if error.status in (401, 403):
                    raise
    path = save_login(api, token.strip())
    note(f"Saved to {path}")


@app.command()
def logout() -> None:
    """Forget the saved API URL and token."""
    note(f"Removed {config_file()}" if forget_login() else "Nothing saved.")


@app.command()
@cli_errors
def whoami(ctx: typer.Context) -> None:
    """Which API and credentials the next command will use."""
    credentials = connection_of(ctx).credentials()
    masked = credentials.token[:6] + "…" if len(credentials.token) > 10 else "…"
    typer.echo(f"API    {credentials.api}\nToken  {masked}\nFrom   {credentials.source}")


# --- cases ------------------------------------------------------------------------------------------


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


JsonFlag = Annotated[bool, typer.Option("--json", help="Print the API's JSON answer.")]
CaseNumber = Annotated[str, typer.Argument(help="Case number (42 or 0000000042).", show_default=False, metavar="CASE")]


@cases_app.command("list")
@cli_errors
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
    if as_json:
        return print_json(page)
    table = Table(title=f"Cases ({view.value if view else 'my-non-closed'})")
    table.add_column("Case", no_wrap=True)
    for column in ("Status", "Sub status", "Priority", "Type", "Subject"):
        table.add_column(column)
    table.add_column("Modified", no_wrap=True)
    for item in page.get("items", []):
        table.add_row(
            item.get("caseNumber"),
            item.get("status"),
            item.get("subStatus"),
            item.get("priority"),
            item.get("caseType"),
            item.get("subject"),
            item.get("modifiedAt"),
        )
    out.print(table)
    if page.get("nextToken"):
        note(f"More: --next-token {page['nextToken']}")


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
@cli_errors
def cases_show(ctx: typer.Context, case_number: CaseNumber, as_json: JsonFlag = False) -> None:
    """One case and its updates, oldest first."""
    client = client_of(ctx)
    case = client.get_case(case_number)
    updates = client.list_updates(case_number)
    if as_json:
        return print_json({**case, "updates": updates})
    print_case(case)
    if updates:
        table = Table("When", "Who", "Kind", "Text", title="Updates")
        for update in updates:
            author = update.get("author") or {}
            table.add_row(update.get("createdAt"), f"{author.get('userId')} ({author.get('role')})", update.get("kind"), update.get("text"))
        out.print(table)


@cases_app.command("open")
@cli_errors
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
        return print_json(case)
    note(f"Opened case {case.get('caseNumber')} ({case.get('priority')}, {case.get('status')}/{case.get('subStatus')})")
    print_case(case)


@cases_app.command("update")
@cli_errors
def cases_update(
    ctx: typer.Context,
    case_number: CaseNumber,
    text: Annotated[str, typer.Argument(help="Plain text.", show_default=False, metavar="TEXT")],
    as_json: JsonFlag = False,
) -> None:
    """Post an update (a customer's update on a case waiting for them sets it back to Open)."""
    update = client_of(ctx).add_update(case_number, text)
    if as_json:
        return print_json(update)
    note(f"Posted update {update.get('updateId')} on case {case_path(case_number)}")


@cases_app.command("close")
@cli_errors
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
        return print_json(case)
    note(f"Closed case {case.get('caseNumber')} as {case.get('subStatus')}")


# --- files ------------------------------------------------------------------------------------------


class RichProgress:
    """A rich progress bar (bytes, speed, time left) on stderr, one task at a time; thread-safe."""

    def __init__(self, console: Console):
        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            DownloadColumn(binary_units=True),
            TransferSpeedColumn(),
            TimeRemainingColumn(),
            console=console,
            transient=False,
        )
        self.task = None

    def begin(self, description: str, total: int | None, completed: int = 0) -> None:
        if self.task is None:
            self.progress.start()
        else:
            self.progress.stop_task(self.task)
        self.task = self.progress.add_task(description, total=total, completed=completed)

    def advance(self, amount: int) -> None:
        self.progress.advance(self.task, amount)

    def end(self) -> None:
        pass

    def close(self) -> None:
        if self.task is not None:
            self.progress.stop()


def progress_for(enabled: bool):
    return RichProgress(err) if enabled else NoProgress()


def checksum_text(checksum: Any) -> str:
    value = checksum.get("value") if isinstance(checksum, dict) else checksum
    if not isinstance(value, str):
        return ""
    try:
        return f"{value} ({from_b64(value):08x})"
    except ValueError:
        return value


def human_size(size: Any) -> str:
    if not isinstance(size, int):
        return str(size)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if size < 1024 or unit == "TiB":
            return f"{size} B" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024


def parse_rate(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return float(parse_size(value))
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--limit-rate") from None


@files_app.command("upload")
@cli_errors
def files_upload(
    ctx: typer.Context,
    case_number: CaseNumber,
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="Files to attach, uploaded one after another.",
            exists=True,
            dir_okay=False,
            readable=True,
            resolve_path=True,
            show_default=False,
            metavar="PATH...",
        ),
    ],
    parallel: Annotated[
        int, typer.Option("--parallel", "-p", min=1, max=64, help="Parts in flight at once (memory: this many parts).")
    ] = DEFAULT_PARALLEL,
    limit_rate: Annotated[str | None, typer.Option(help="Average upload rate cap, e.g. 500K, 4M.")] = None,
    progress: Annotated[bool, typer.Option(help="Show a progress bar on stderr.")] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON list of the recorded files.")] = False,
) -> None:
    """Upload files to a case. An interrupted upload (Ctrl-C, crash, lost network) resumes when you run the same command again."""
    from dss_cli.uploads import Uploader

    rate = parse_rate(limit_rate)
    client = client_of(ctx)
    bar = progress_for(progress)
    uploader = Uploader(
        client,
        parallel=parallel,
        state_dir=uploads_dir(),
        progress=bar,
        rate_limit=rate,
        log=note,
    )
    recorded, failures = [], 0
    try:
        for path in paths:
            try:
                result = uploader.upload(case_number, path)
            except CliError as error:
                if getattr(error, "exit_code", 1) != 1 or len(paths) == 1:
                    raise
                failures += 1
                typer.echo(f"Error: {path.name}: {error.one_line()}", err=True)
                continue
            recorded.append(result.case_file)
            if not as_json:
                case_file = result.case_file
                speed = result.bytes_sent / result.seconds / (1 << 20) if result.seconds > 0 else 0
                typer.echo(
                    f"Uploaded {case_file.get('fileName')} to case {case_file.get('caseNumber')}: file id {case_file.get('fileId')}, "
                    f"{case_file.get('size')} bytes, CRC32 {checksum_text(case_file.get('checksum'))}"
                    f" ({result.parts_sent} of {result.part_count} parts sent, {speed:.1f} MiB/s)"
                )
    finally:
        if isinstance(bar, RichProgress):
            bar.close()
    if as_json:
        print_json(recorded)
    if failures:
        raise typer.Exit(1)


@files_app.command("list")
@cli_errors
def files_list(ctx: typer.Context, case_number: CaseNumber, as_json: JsonFlag = False) -> None:
    """The case's files with their size and CRC32 (and the purge date once the case is closed)."""
    answer = client_of(ctx).list_files(case_number)
    if as_json:
        return print_json(answer)
    table = Table(title=f"Files of case {case_path(case_number)}")
    table.add_column("Name", overflow="fold")
    table.add_column("Size", justify="right", no_wrap=True)
    table.add_column("CRC32", no_wrap=True)
    table.add_column("Uploaded at", no_wrap=True)
    table.add_column("By")
    table.add_column("File id", overflow="fold")
    for item in answer.get("items", []):
        who = item.get("uploadedBy") or {}
        table.add_row(item.get("fileName"), human_size(item.get("size")), checksum_text(item.get("checksum")), item.get("uploadedAt"),
                      f"{who.get('userId')} ({who.get('role')})", item.get("fileId"))  # fmt: skip
    out.print(table)
    if answer.get("filesPurgedAt"):
        note(f"The files were purged at {answer['filesPurgedAt']}.")
    elif answer.get("purgeAt"):
        note(f"The case is closed: its files are purged at {answer['purgeAt']} unless it is reopened.")


@files_app.command("download")
@cli_errors
def files_download(
    ctx: typer.Context,
    case_number: CaseNumber,
    file_id: Annotated[str, typer.Argument(help="The file id (dss files list).", show_default=False, metavar="FILE_ID")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Target file or directory [default: the file's name, here].")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing target file.")] = False,
    progress: Annotated[bool, typer.Option(help="Show a progress bar on stderr.")] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Print path, size and checksum as JSON.")] = False,
) -> None:
    """Download a file of a case; written under its name only once its CRC32 matches the recorded one."""
    from dss_cli.downloads import download_file

    bar = progress_for(progress)
    try:
        result = download_file(client_of(ctx), case_number, file_id, output, overwrite=force, progress=bar)
    finally:
        if isinstance(bar, RichProgress):
            bar.close()
    if as_json:
        return print_json({"path": str(result.path), "size": result.size, "checksum": {"algorithm": "CRC32", "value": result.checksum}})
    typer.echo(f"Downloaded {result.file_name} to {result.path}: {result.size} bytes, CRC32 {checksum_text(result.checksum)} verified")


@files_app.command("uploads")
@cli_errors
def files_uploads(ctx: typer.Context, case_number: CaseNumber, as_json: JsonFlag = False) -> None:
    """The case's unfinished uploads (resume one by running its `dss files upload` again, or abort it)."""
    items = client_of(ctx).list_uploads(case_number)
    if as_json:
        return print_json({"items": items})
    table = Table("Upload id", "Name", "Size", "Parts", "Started", "Expires", title=f"Unfinished uploads of case {case_path(case_number)}")
    for item in items:
        table.add_row(
            item.get("uploadId"),
            item.get("fileName"),
            human_size(item.get("size")),
            str(item.get("partCount")),
            item.get("createdAt"),
            item.get("expiresAt"),
        )
    out.print(table)


@files_app.command("abort")
@cli_errors
def files_abort(
    ctx: typer.Context,
    case_number: CaseNumber,
    upload_id: Annotated[str, typer.Argument(help="dss files uploads CASE lists them.", show_default=False, metavar="UPLOAD_ID")],
) -> None:
    """Abort an unfinished upload (its parts are deleted)."""
    client_of(ctx).abort_upload(case_number, upload_id)
    note(f"Aborted upload {upload_id}")
