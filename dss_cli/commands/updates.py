"""`dss updates`: platform updates (docs/architecture.md, "Platform updates"). The Testing Department's Windows-update
catalog (everyone signed in reads it; the Testing Department records, validates and rejects), the gateways' GA catalogs
and the accounts' platforms (staff set them; a customer reads their own platform), and installation requests (staff):
the guide's rules decide, `--check` asks them without writing anything.

The CLI checks no rule itself: a refusal is the API's, printed as its one line (the rule's message, its code and the
HTTP status) with exit code 1."""

from __future__ import annotations

import json
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from dss_cli.api import new_idempotency_key
from dss_cli.commands.alerts import case_number
from dss_cli.commands.cases import cell
from dss_cli.commands.common import JsonFlag, client_of, note, out, print_json
from dss_cli.errors import ApiError, CliError, NetworkError

updates_app = typer.Typer(
    help="Platform updates: the Windows-update catalog (the Testing Department), the gateways' GA catalogs and the accounts' "
    "platforms (staff), and installation requests checked against the guide's rules (staff).",
    no_args_is_help=True,
)
catalog_app = typer.Typer(
    help="The gateways' GA catalogs: each gateway type's Service Updates or firmware in release order, the last the current GA. "
    "Everyone signed in reads them; staff set them.",
    no_args_is_help=True,
)
platform_app = typer.Typer(
    help="An account's platform: its Release, patches, gateways (each with how far behind GA it is) and the contract fields "
    "its entitlements come from. Staff read and set any account's; a customer reads their own.",
    no_args_is_help=True,
)
updates_app.add_typer(catalog_app, name="catalog")
updates_app.add_typer(platform_app, name="platform")


class KbStatus(StrEnum):
    pending = "pending-validation"
    validated = "validated"
    rejected = "rejected"
    superseded = "superseded"


class Classification(StrEnum):
    critical = "Critical"
    security = "Security"
    definition = "Definition"
    update = "Update"
    feature_pack = "Feature Pack"
    service_pack = "Service Pack"
    update_rollup = "Update Rollup"
    driver = "Driver"
    tool = "Tool"
    upgrade = "Upgrade"


class Severity(StrEnum):
    critical = "Critical"
    important = "Important"
    moderate = "Moderate"
    low = "Low"


class Kind(StrEnum):
    windows_update = "windows-update"
    release = "release"
    patch = "patch"
    gateway_update = "gateway-update"


class Reason(StrEnum):
    known_scr = "known-scr"
    new_scr = "new-scr"
    feature = "feature"
    behind_ga = "behind-ga"


DAY_FORMATS = ["%Y-%m-%d"]
Kb = Annotated[str, typer.Argument(help="The KB number, e.g. KB5034441.", show_default=False, metavar="KB")]
GatewayType = Annotated[
    str, typer.Argument(help="The gateway type, e.g. interaction-gateway or audiocodes.", show_default=False, metavar="TYPE")
]
AccountId = Annotated[str, typer.Argument(help="Account id, e.g. acme.", show_default=False, metavar="ACCOUNT")]
ExpectVersion = Annotated[
    int | None,
    typer.Option("--expect-version", min=0, metavar="N",
                 help="Only if it is still at this version (the one you read; If-Match): refused with HTTP 412 if it changed."),
]  # fmt: skip
IdempotencyKeyOption = Annotated[
    str | None, typer.Option(help="Repeat the request safely: the same key answers as the first time, creating nothing twice.")
]

UPDATE_COLUMNS = [
    ("kb", "KB"), ("status", "Status"), ("critical", "Critical"), ("classification", "Classification"),
    ("msrcSeverity", "MSRC severity"), ("releasedOn", "Released"), ("expectedOn", "Decision expected"), ("title", "Title"),
]  # fmt: skip
GATEWAY_COLUMNS = [
    ("gatewayId", "Gateway"), ("gatewayType", "Type"), ("installedUpdate", "Installed"), ("currentGa", "Current GA"),
    ("updatesBehind", "Updates behind"), ("behindGa", "3+ behind GA"),
]  # fmt: skip


def upper_kb(kb: str) -> str:
    return kb.strip().upper()


def actor_text(actor: Any) -> str:
    if not isinstance(actor, dict):
        return ""
    who = actor.get("contactId") or actor.get("userId") or "?"
    return f"{who} ({actor.get('role')})" if actor.get("role") else str(who)


def key_value_table(rows: list[tuple[str, Any]]) -> Table:
    """Label and value on each row, the values as literal text (a title like "[Preview] …" is not rich markup)."""
    table = Table(show_header=False, box=None, padding=(0, 2))
    for label, value in rows:
        if value not in (None, "", []):
            table.add_row(label, Text(cell(value)))
    return table


def literal_row(values: list[Any]) -> list[Text]:
    return [Text(cell(value)) for value in values]


# --- the Windows-update catalog -----------------------------------------------------------------------------------------


def print_windows_update(update: dict) -> None:
    rows: list[tuple[str, Any]] = [
        ("KB", update.get("kb")),
        ("Title", update.get("title")),
        ("Status", update.get("status")),
        ("Critical", update.get("critical")),
        ("Classification", update.get("classification")),
        ("MSRC severity", update.get("msrcSeverity")),
        ("Products", ", ".join(update.get("products") or [])),
        ("Released", update.get("releasedOn")),
        ("Decision expected", update.get("expectedOn")),
        ("Comment", update.get("comment")),
        ("Rejected because", update.get("rejectionReason")),
        ("Recorded", f"{update.get('recordedAt')} by {actor_text(update.get('recordedBy'))}" if update.get("recordedAt") else None),
        ("Decided", f"{update.get('decidedAt')} by {actor_text(update.get('decidedBy'))}" if update.get("decidedAt") else None),
        ("Version", update.get("version")),
    ]
    out.print(key_value_table(rows))


@updates_app.command("list")
def updates_list(
    ctx: typer.Context,
    status: Annotated[KbStatus | None, typer.Option(help="Only the updates in this status (validated: those applied).")] = None,
    limit: Annotated[int | None, typer.Option(min=1, max=100, help="Per page (1-100; the API's default 50).")] = None,
    next_token: Annotated[str | None, typer.Option(help="The nextToken of the previous page.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """One page of the Windows-update catalog, the newest release first."""
    page = client_of(ctx).list_windows_updates(status.value if status else None, limit, next_token)
    if as_json:
        print_json(page)
        return
    items = page.get("items") or []
    table = Table(title=f"Windows updates{f' ({status.value})' if status else ''}: {len(items)}")
    for field, label in UPDATE_COLUMNS:
        table.add_column(label, no_wrap=field in ("kb", "status", "releasedOn", "expectedOn"))
    for update in items:
        table.add_row(*literal_row([update.get(field) for field, _ in UPDATE_COLUMNS]))
    out.print(table)
    if page.get("nextToken"):
        note(f"More: --next-token {page['nextToken']}")


@updates_app.command("show")
def updates_show(ctx: typer.Context, kb: Kb, as_json: JsonFlag = False) -> None:
    """One Windows update: its status, when the Testing Department is expected to decide, who recorded and decided it."""
    update = client_of(ctx).get_windows_update(upper_kb(kb))
    if as_json:
        print_json(update)
        return
    print_windows_update(update)


@updates_app.command("record")
def updates_record(
    ctx: typer.Context,
    kb: Kb,
    title: Annotated[str, typer.Option(help="Microsoft's title of the update.", show_default=False)],
    classification: Annotated[Classification, typer.Option(help="Microsoft Update's classification.", show_default=False)],
    released: Annotated[
        str, typer.Option("--released", metavar="YYYY-MM-DD", help="Microsoft's release date (e.g. a Patch Tuesday).", show_default=False)
    ],
    severity: Annotated[Severity | None, typer.Option("--severity", help="The MSRC severity, when Microsoft gives one.")] = None,
    product: Annotated[
        list[str] | None, typer.Option("--product", metavar="PRODUCT", help="A product it applies to (repeat the option).")
    ] = None,
    idempotency_key: IdempotencyKeyOption = None,
    as_json: JsonFlag = False,
) -> None:
    """The Testing Department: record a Microsoft update, pending validation (a critical one is flagged if still pending then)."""
    body: dict[str, Any] = {
        "kb": upper_kb(kb),
        "title": title,
        "classification": classification.value,
        "releasedOn": day(released, "--released"),
        "products": product or [],
    }
    if severity is not None:
        body["msrcSeverity"] = severity.value
    update = client_of(ctx).record_windows_update(body, idempotency_key)
    if as_json:
        print_json(update)
        return
    critical = " (critical: flagged if still pending then)" if update.get("critical") else ""
    note(f"Recorded {update.get('kb')}, pending validation; the decision is expected by {update.get('expectedOn')}{critical}.")
    print_windows_update(update)


@updates_app.command("validate")
def updates_validate(
    ctx: typer.Context,
    kb: Kb,
    comment: Annotated[str | None, typer.Option(help="What to record with the validation.")] = None,
    expect_version: ExpectVersion = None,
    as_json: JsonFlag = False,
) -> None:
    """The Testing Department: validate a pending update; from now on it may be installed on customers' platforms."""
    update = client_of(ctx).validate_windows_update(upper_kb(kb), comment, expect_version)
    if as_json:
        print_json(update)
        return
    note(f"Validated {update.get('kb')}: it may be installed from now on.")
    print_windows_update(update)


@updates_app.command("reject")
def updates_reject(
    ctx: typer.Context,
    kb: Kb,
    reason: Annotated[str, typer.Option(help="Why it is not applied; customers and engineers read it.", show_default=False)],
    expect_version: ExpectVersion = None,
    as_json: JsonFlag = False,
) -> None:
    """The Testing Department: reject a pending update; it is not installed."""
    update = client_of(ctx).reject_windows_update(upper_kb(kb), reason, expect_version)
    if as_json:
        print_json(update)
        return
    note(f"Rejected {update.get('kb')}: it is not installed.")
    print_windows_update(update)


def day(text: str, option: str) -> str:
    """A date given on the command line, as YYYY-MM-DD (checked before anything is sent)."""
    try:
        return date.fromisoformat(text.strip()).isoformat()
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not a date: give YYYY-MM-DD", param_hint=option) from None


# --- the gateways' GA catalogs ------------------------------------------------------------------------------------------


def print_catalog(catalog: dict) -> None:
    rows: list[tuple[str, Any]] = [
        ("Type", catalog.get("gatewayType")),
        ("Name", catalog.get("name")),
        ("Current GA", catalog.get("currentGa") or "none listed"),
        ("Updates", " < ".join(catalog.get("updates") or []) or "none"),
        ("Modified", f"{catalog.get('modifiedAt')} by {actor_text(catalog.get('modifiedBy'))}" if catalog.get("modifiedAt") else None),
        ("Version", catalog.get("version")),
    ]
    out.print(key_value_table(rows))


@catalog_app.command("list")
def catalog_list(ctx: typer.Context, as_json: JsonFlag = False) -> None:
    """Every gateway type's catalog: its current GA and how many updates it lists."""
    catalogs = client_of(ctx).list_gateway_catalogs()
    if as_json:
        print_json(catalogs)
        return
    items = catalogs.get("items") or []
    table = Table("Type", "Name", "Current GA", "Updates", "Modified", title=f"Gateway catalogs ({len(items)})")
    for catalog in items:
        updates = catalog.get("updates") or []
        table.add_row(*literal_row([catalog.get("gatewayType"), catalog.get("name"), catalog.get("currentGa"), len(updates),
                                    catalog.get("modifiedAt")]))  # fmt: skip
    out.print(table)


@catalog_app.command("show")
def catalog_show(ctx: typer.Context, gateway_type: GatewayType, as_json: JsonFlag = False) -> None:
    """One gateway type's GA updates in release order, oldest first (the last is the current GA)."""
    catalog = client_of(ctx).get_gateway_catalog(gateway_type)
    if as_json:
        print_json(catalog)
        return
    print_catalog(catalog)


@catalog_app.command("set")
def catalog_set(
    ctx: typer.Context,
    gateway_type: GatewayType,
    updates: Annotated[
        list[str],
        typer.Argument(
            help="The GA updates in release order, oldest first: the last is the current GA.", show_default=False, metavar="UPDATE..."
        ),
    ],
    name: Annotated[str | None, typer.Option(help="The type's display name, e.g. 'Interaction Gateway'.")] = None,
    expect_version: ExpectVersion = None,
    as_json: JsonFlag = False,
) -> None:
    """Staff: set a gateway type's whole GA catalog (the updates given replace the list)."""
    body: dict[str, Any] = {"updates": updates}
    if name is not None:
        body["name"] = name
    catalog = client_of(ctx).set_gateway_catalog(gateway_type, body, expect_version)
    if as_json:
        print_json(catalog)
        return
    note(f"Set the {catalog.get('gatewayType')} catalog (version {catalog.get('version')}): the current GA is {catalog.get('currentGa')}.")
    print_catalog(catalog)


# --- the accounts' platforms --------------------------------------------------------------------------------------------

PLATFORM_FIELDS = ("release", "patches", "gateways", "fiscalYearStartMonth", "releaseUpgradesPerQuarter", "gatewayUpdatesPerContractYear")
GATEWAY_FIELDS = ("gatewayId", "gatewayType", "installedUpdate")


def print_platform(platform: dict) -> None:
    month = platform.get("fiscalYearStartMonth")
    rows: list[tuple[str, Any]] = [
        ("Account", platform.get("accountId")),
        ("Release", platform.get("release") or "none recorded"),
        ("Patches", ", ".join(platform.get("patches") or []) or "none"),
        ("Contract year", f"starts in month {month}" + (" (calendar quarters)" if month == 1 else "")),
        ("Release upgrades", f"{platform.get('releaseUpgradesPerQuarter')} per contract quarter"),
        ("Gateway updates", f"{platform.get('gatewayUpdatesPerContractYear')} per contract year"),
        ("Modified", f"{platform.get('modifiedAt')} by {actor_text(platform.get('modifiedBy'))}" if platform.get("modifiedAt") else None),
        ("Version", platform.get("version") if platform.get("version") else "0 (nothing recorded yet)"),
    ]
    out.print(key_value_table(rows))
    gateways = platform.get("gateways") or []
    if not gateways:
        out.print(Text("Gateways: none recorded."))
        return
    table = Table(title=f"Gateways ({len(gateways)})")
    for field, label in GATEWAY_COLUMNS:
        table.add_column(label, justify="right" if field == "updatesBehind" else "left")
    for gateway in gateways:
        values = [gateway.get(field) for field, _ in GATEWAY_COLUMNS]
        if gateway.get("currentGa") is None:
            values[3], values[4] = "no catalog", ""
        table.add_row(*literal_row(values))
    out.print(table)


def parse_gateway(text: str) -> dict[str, Any]:
    """`ID,TYPE[,UPDATE]` -> a gateway entry (no installed update: not recorded)."""
    parts = [part.strip() for part in text.split(",")]
    if len(parts) not in (2, 3) or not all(parts):
        raise typer.BadParameter(
            f"{text!r}: give ID,TYPE or ID,TYPE,UPDATE (e.g. gw-east-1,interaction-gateway,SU3)", param_hint="--gateway"
        )
    entry: dict[str, Any] = {"gatewayId": parts[0], "gatewayType": parts[1]}
    if len(parts) == 3:
        entry["installedUpdate"] = parts[2]
    return entry


def parse_list(text: str) -> list[str]:
    """`ES-101, ES-102` -> ["ES-101", "ES-102"]; an empty text is none at all."""
    return [part.strip() for part in text.split(",") if part.strip()]


def platform_request(platform: dict) -> dict[str, Any]:
    """The fields a PUT takes, from an answer of GET (or a file): each gateway without what the API works out."""
    body = {field: platform[field] for field in PLATFORM_FIELDS if field in platform}
    if "gateways" in body:
        body["gateways"] = [
            {field: gateway[field] for field in GATEWAY_FIELDS if gateway.get(field) is not None} for gateway in body["gateways"] or []
        ]
    return body


def read_platform_file(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise CliError(f"cannot read {path}: {error.strerror or error}") from None
    except ValueError as error:
        raise CliError(f"{path} is not JSON: {error}") from None
    if not isinstance(data, dict):
        raise CliError(f'{path} holds no JSON object: give the platform as {{"release": …, "gateways": [...]}}')
    unknown = sorted(set(data) - set(PLATFORM_FIELDS) - {"accountId", "version", "modifiedAt", "modifiedBy"})
    if unknown:
        raise CliError(
            f"{path}: unknown field{'s' if len(unknown) > 1 else ''} {', '.join(unknown)} (a platform has {', '.join(PLATFORM_FIELDS)})"
        )
    return platform_request(data)


@platform_app.command("show")
def platform_show(ctx: typer.Context, account_id: AccountId, as_json: JsonFlag = False) -> None:
    """An account's platform, each gateway with its type's current GA and how many updates behind it is."""
    platform = client_of(ctx).get_platform(account_id)
    if as_json:
        print_json(platform)
        return
    print_platform(platform)


@platform_app.command("set")
def platform_set(
    ctx: typer.Context,
    account_id: AccountId,
    file: Annotated[
        Path | None,
        typer.Option(
            "--file",
            "-f",
            metavar="FILE",
            dir_okay=False,
            help="The whole platform as JSON (the API's PlatformRequest, or a saved `platform show --json`); "
            "a field it leaves out takes the API's default. The options below then change it.",
        ),
    ] = None,
    release: Annotated[str | None, typer.Option(help="The Release it runs, e.g. '2026 R4' (\"\" for none).")] = None,
    patches: Annotated[str | None, typer.Option(help='The patches applied, replacing the list: ES-101,ES-102 ("" for none).')] = None,
    gateway: Annotated[
        list[str] | None,
        typer.Option(
            "--gateway",
            metavar="ID,TYPE[,UPDATE]",
            help="Add or replace a gateway by its id, with its type and the update it runs (repeat the option).",
        ),
    ] = None,
    remove_gateway: Annotated[
        list[str] | None, typer.Option("--remove-gateway", metavar="ID", help="Remove a gateway (repeat the option).")
    ] = None,
    fiscal_year_start_month: Annotated[
        int | None, typer.Option(min=1, max=12, help="The month the contract year starts (1: calendar quarters).")
    ] = None,
    release_upgrades: Annotated[int | None, typer.Option(min=0, max=12, help="Release upgrades per contract quarter.")] = None,
    gateway_updates: Annotated[int | None, typer.Option(min=0, max=52, help="Gateway updates per contract year.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Staff: record an account's platform, from options (only those change) or from a JSON file.

    From options, the platform is read and sent back with its version: refused with HTTP 412 if someone changed it meanwhile."""
    client = client_of(ctx)
    version: int | None = None
    if file is not None:
        body = read_platform_file(file)
    else:
        current = client.get_platform(account_id)
        body, version = platform_request(current), int(current.get("version") or 0)
        if not any(v is not None for v in (release, patches, gateway, remove_gateway, fiscal_year_start_month, release_upgrades,
                                            gateway_updates)):  # fmt: skip
            raise typer.BadParameter("nothing to change: give --file or at least one option (see dss updates platform set --help)")
    if release is not None:
        body["release"] = release.strip() or None
    if patches is not None:
        body["patches"] = parse_list(patches)
    gateways: list[dict[str, Any]] = list(body.get("gateways") or [])
    if remove_gateway:
        known = {each.get("gatewayId") for each in gateways}
        missing = [gateway_id for gateway_id in remove_gateway if gateway_id not in known]
        if missing:
            raise typer.BadParameter(f"no gateway {', '.join(missing)} on the platform", param_hint="--remove-gateway")
        gateways = [each for each in gateways if each.get("gatewayId") not in remove_gateway]
    for text in gateway or []:
        entry = parse_gateway(text)
        at = next((index for index, each in enumerate(gateways) if each.get("gatewayId") == entry["gatewayId"]), None)
        if at is None:
            gateways.append(entry)
        else:
            gateways[at] = entry
    if gateway or remove_gateway:
        body["gateways"] = gateways
    for field, value in (
        ("fiscalYearStartMonth", fiscal_year_start_month),
        ("releaseUpgradesPerQuarter", release_upgrades),
        ("gatewayUpdatesPerContractYear", gateway_updates),
    ):
        if value is not None:
            body[field] = value
    platform = client.set_platform(account_id, body, version)
    if as_json:
        print_json(platform)
        return
    note(f"Recorded the platform of {platform.get('accountId')} (version {platform.get('version')}).")
    print_platform(platform)


# --- installation requests ----------------------------------------------------------------------------------------------


def installation_body(
    account: str,
    contact: str | None,
    kind: Kind,
    reason: Reason,
    scrs: list[str],
    feature: str | None,
    system_impacting: bool,
    feature_in_use: bool | None,
    service_affecting: bool | None,
    kbs: list[str],
    release: str | None,
    patch: str | None,
    gateways: list[str],
    update: str | None,
    resolves: list[str],
    notes: str | None,
) -> dict[str, Any]:
    """The request's body; what the kind needs of the target is checked here (exit code 2, nothing sent), the rules by the API."""
    target: dict[str, Any] = {}
    needed = {
        Kind.windows_update: ("--kb", bool(kbs)),
        Kind.release: ("--release", release is not None),
        Kind.patch: ("--patch", patch is not None),
        Kind.gateway_update: ("--gateway and --update", bool(gateways) and update is not None),
    }
    option, given = needed[kind]
    if not given:
        raise typer.BadParameter(f"a {kind.value} request names its target with {option}", param_hint=option.split(" ")[0])
    others = {"--kb": bool(kbs), "--release": release is not None, "--patch": patch is not None,
              "--gateway": bool(gateways), "--update": update is not None}  # fmt: skip
    stray = [name for name, present in others.items() if present and name not in option]
    if stray:
        raise typer.BadParameter(f"a {kind.value} request does not take {', '.join(stray)}", param_hint=stray[0])
    if kind is Kind.windows_update:
        target["kbs"] = [upper_kb(kb) for kb in kbs]
    elif kind is Kind.release:
        target["release"] = release
    elif kind is Kind.patch:
        target["patch"] = patch
    else:
        target["gateways"], target["update"] = gateways, update
    body: dict[str, Any] = {"accountId": account, "kind": kind.value, "reason": reason.value, "target": target}
    optional = {
        "contactId": contact,
        "scrs": scrs or None,
        "feature": feature,
        "systemImpacting": system_impacting or None,
        "featureInUse": feature_in_use,
        "serviceAffecting": service_affecting,
        "resolvesCases": [case_number(each) for each in resolves] or None,
        "notes": notes,
    }
    body.update({key: value for key, value in optional.items() if value is not None})
    return body


def print_accepted(accepted: dict) -> None:
    case, rule = accepted.get("case") or {}, accepted.get("rule") or {}
    installation = case.get("installation") or {}
    resolved = [each.get("caseNumber") for each in accepted.get("resolvedCases") or []]
    out.print(Text(f"Installation case {case.get('caseNumber')} opened: {case.get('subject')}", style="bold"))
    rows: list[tuple[str, Any]] = [
        ("Case", case.get("caseNumber")),
        ("Type", f"{case.get('caseType')}, {case.get('priority')}"),
        ("Status", case.get("status")),
        ("Account", case.get("accountId")),
        ("Contact", case.get("contactId")),
        ("Rule", f"{rule.get('message')} ({rule.get('code')})" if rule else None),
        ("Entitlement used", installation.get("quota")),
        ("Closed as Resolved", ", ".join(str(number) for number in resolved) or "none"),
    ]
    out.print(key_value_table(rows))


@updates_app.command("request")
def updates_request(
    ctx: typer.Context,
    account: Annotated[str, typer.Option("--account", metavar="ACCOUNT", help="The account whose platform changes.", show_default=False)],
    kind: Annotated[Kind, typer.Option("--kind", help="What is installed.", show_default=False)],
    reason: Annotated[
        Reason,
        typer.Option(
            "--reason",
            show_default=False,
            help="known-scr / new-scr (with --scr), feature (with --feature), behind-ga (gateway updates 3+ behind GA).",
        ),
    ],
    contact: Annotated[
        str | None, typer.Option("--contact", metavar="CONTACT", help="Whose installation case it is (default: the first resolved case's).")
    ] = None,
    scr: Annotated[list[str] | None, typer.Option("--scr", metavar="SCR", help="A Software Change Request (repeat the option).")] = None,
    feature: Annotated[str | None, typer.Option(help="The feature the customer wants (reason feature).")] = None,
    system_impacting: Annotated[
        bool,
        typer.Option(
            "--system-impacting", help="A system-impacting issue drives it (the guide's condition for Releases and gateway updates)."
        ),
    ] = False,
    feature_in_use: Annotated[
        bool | None,
        typer.Option(
            "--feature-in-use/--feature-not-in-use", show_default=False, help="A patch: the customer uses the feature the SCR affects."
        ),
    ] = None,
    service_affecting: Annotated[
        bool | None,
        typer.Option("--service-affecting/--not-service-affecting", show_default=False, help="A patch: the SCR is service affecting."),
    ] = None,
    kb: Annotated[list[str] | None, typer.Option("--kb", metavar="KB", help="windows-update: a KB to install (repeat the option).")] = None,
    release: Annotated[str | None, typer.Option(help="release: the Release to upgrade to, e.g. '2026 R4'.")] = None,
    patch: Annotated[str | None, typer.Option(help="patch: the patch to apply.")] = None,
    gateway: Annotated[
        list[str] | None,
        typer.Option("--gateway", metavar="ID", help="gateway-update: a gateway of the account's platform (repeat the option)."),
    ] = None,
    update: Annotated[str | None, typer.Option(help="gateway-update: the Service Update or firmware to install.")] = None,
    resolves: Annotated[
        list[str] | None,
        typer.Option(
            "--resolves", metavar="CASE", help="An open case of the account it resolves, closed as Resolved with it (repeat the option)."
        ),
    ] = None,
    notes: Annotated[str | None, typer.Option(help="What the engineers need to know (goes into the case's description).")] = None,
    check: Annotated[bool, typer.Option("--check", help="Only ask the rules whether it would be accepted; nothing is written.")] = False,
    idempotency_key: Annotated[
        str | None,
        typer.Option(help="Repeat the request safely: the same key answers the same installation case, never a second one."),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Staff: request an installation (a Windows update, a Release, a patch, a gateway update) as the guide's rules allow.

    Accepted, it opens the installation case, uses the entitlement and closes the cases it resolves. Refused, the rule's message says what would change the answer (exit code 1). --check only asks."""  # noqa: E501
    body = installation_body(account, contact, kind, reason, scr or [], feature, system_impacting, feature_in_use, service_affecting,
                             kb or [], release, patch, gateway or [], update, resolves or [], notes)  # fmt: skip
    client = client_of(ctx)
    if check:
        answer = client.check_installation(body)
        if as_json:
            print_json(answer)
            return
        out.print(Text(f"Allowed: {answer.get('message')} ({answer.get('code')})"))
        note("Nothing was written: run it again without --check to request it.")
        return
    key = idempotency_key or new_idempotency_key()
    try:
        accepted = client.request_installation(body, key)
    except (NetworkError, ApiError) as error:
        if isinstance(error, NetworkError) or error.status >= 500 or error.status == 429:
            note(f"The answer did not arrive: repeat with --idempotency-key {key} to get it without opening a second case.")
        raise
    if as_json:
        print_json(accepted)
        return
    print_accepted(accepted)
