"""The weekly behind-GA check's proactive cases (docs/architecture.md, "Platform updates"): the updates domain finds an
account's gateways 3 or more Service Updates or firmware updates behind GA (GatewaysBehindGa) and the cases domain opens
one Proactive case for the account, so an engineer offers the gateway update the guide entitles it to. Never a second
while one is open: the case is written with the account's claim (`BEHINDGA#<account>`), taken only when there is none
or the case it names is still closed (checked in the same transaction); a repeated event while the case is open, or a
redelivery of the event that opened it, writes nothing."""

from __future__ import annotations

from datetime import datetime

from functions.cases.logic.case_store import CaseStore
from functions.cases.logic.create_case import format_case_number, opening
from functions.cases.logic.monitoring_cases import CannotOpenMonitoringCase, monitoring_contact
from functions.cases.logic.response_targets import response_due
from functions.cases.models.case import NEW_CASE_SUB_STATUS, Case, CaseType, Channel, Priority, Status
from functions.cases.models.records import Account, BehindGaCaseOpen, StaleCase
from functions.shared.auth import AUTOMATION
from functions.shared.contracts import GatewaysBehindGa
from functions.shared.errors import ServiceUnavailable
from functions.shared.observability import logger
from functions.shared.update_rules import BEHIND_GA_AT_LEAST

MAX_ATTEMPTS = 5


def open_behind_ga_case(found: GatewaysBehindGa, *, store: CaseStore, now: datetime) -> Case | None:
    """The account's proactive case; None when one is open already (nothing is written then)."""
    about = {"account_id": found.account_id, "event_key": found.event_key}
    for _ in range(MAX_ATTEMPTS):
        claimed, opened_by_event, account = store.read_before_behind_ga_case(found.account_id)
        if claimed is not None and (claimed.status is not Status.CLOSED or opened_by_event == found.event_key):
            logger.info("behind-GA case not opened: the account has one open, or this event opened it", extra=about)
            return None
        if account is None:
            raise CannotOpenMonitoringCase(f"account {found.account_id} is not in the directory: add it, then redrive the queue")
        contact_id = monitoring_contact(account)
        if contact_id is None:
            raise CannotOpenMonitoringCase(f"account {found.account_id} has no contact that is not disabled: add one, then redrive")
        case, history, events = opening(
            behind_ga_case(found, account, contact_id, format_case_number(store.next_case_number()), now), AUTOMATION, now
        )
        try:
            replaces = claimed.case_number if claimed else None
            store.create_behind_ga_case(case, history, events, event_key=found.event_key, replaces=replaces, now=now)
        except BehindGaCaseOpen:
            logger.info("behind-GA case not opened: a concurrent delivery opened it", extra=about)
            return None
        except StaleCase:
            continue
        logger.info("behind-GA case opened", extra=about | {"case_number": case.case_number})
        return case
    raise ServiceUnavailable(f"The behind-GA case of account {found.account_id} could not be opened for concurrent writes; it is retried.")


def behind_ga_case(found: GatewaysBehindGa, account: Account, contact_id: str, case_number: str, now: datetime) -> Case:
    gateways = sorted(found.gateways, key=lambda gateway: (-gateway.updates_behind, gateway.gateway_id))
    lines = [
        f"The weekly platform check found {len(gateways)} gateway{'s' if len(gateways) > 1 else ''} {BEHIND_GA_AT_LEAST} or more "
        "updates behind the current GA. The guide entitles the account to a gateway update for that reason (behind-ga):",
        *(
            f"- {gateway.gateway_id} ({gateway.gateway_type}): {gateway.installed_update or 'no update recorded'}, "
            f"{gateway.updates_behind} behind {gateway.current_ga}"
            for gateway in gateways
        ),
        "",
        "Support will propose a time for the update; reply here with a maintenance window that suits you.",
    ]
    first = gateways[0]
    more = f" and {len(gateways) - 1} more" if len(gateways) > 1 else ""
    due = response_due(now, Priority.LOW)
    return Case(
        case_number=case_number,
        case_type=CaseType.PROACTIVE,
        account_id=account.account_id,
        contact_id=contact_id,
        opened_by=AUTOMATION.user_id,
        channel=Channel.MONITORING,  # support's own, from what it watches
        status=Status.OPEN,
        sub_status=NEW_CASE_SUB_STATUS,
        priority=Priority.LOW,
        subject=f"Gateway updates available: {first.gateway_id} is {first.updates_behind} updates behind GA{more}"[:255],
        description="\n".join(lines),
        created_at=now,
        modified_at=now,
        version=1,
        response_due_at=due.due_at,
        response_rule=due.rule,
        first_response_at=now,  # the case is support's own word to the customer
        region=account.region,
    )
