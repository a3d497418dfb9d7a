"""The alerts domain's incidents ("groups") on their cases (docs/architecture.md, "Monitoring incidents"; the events are
functions/shared/contracts.py's):

- MonitoringCaseRequested opens the incident's case: Support (Problem), 1-Prod Down, channel `monitoring`,
  for the account's monitoring contact (`monitoring_contact`), `detectedAt` the first alert's time, its
  subject and description made of the alerts. Once per incident: the case is written with a claim on the
  incident (`MONITORING#<group id>`) on the condition that the claim does not exist, in one transaction, so
  a duplicate, redelivered or concurrent request opens nothing more. The case keeps the incident's id and
  each of its events names it (`monitoringGroupId`). Its response escalation starts as any Prod Down
  case's: 30 minutes around the clock, from the opening.
- MonitoringAlertsAttached posts one internal note (staff only, emailed to nobody) with the new alerts.
- MonitoringAlertsRecovered posts one note the customer sees (emailed to nobody) that the alerts recovered;
  with the account's `closeIfUntouched`, the note is instead the closure comment of closing the case as
  Resolved, if the case is untouched (`untouched`).

Both notes are the automation's and are applied once per event: the change marks the event's key on the
case in its transaction (`APPLIED#<event key>`), so a redelivery changes nothing. A note for a closed case,
a missing case or a case of another incident records nothing and is not an error."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from functions.cases.logic.case_store import CaseStore
from functions.cases.logic.change_case import Decision, change_case
from functions.cases.logic.create_case import format_case_number, opening
from functions.cases.logic.lifecycle import close_recovered
from functions.cases.logic.response_targets import response_due
from functions.cases.models.actions import CaseAction
from functions.cases.models.bus_events import Outcome
from functions.cases.models.case import NEW_CASE_SUB_STATUS, Case, CaseSubType, CaseType, Channel, EnvironmentType, Priority, Status
from functions.cases.models.lifecycle import UpdateKind
from functions.cases.models.records import Account, EventAlreadyApplied, MonitoringCaseExists, StaleCase
from functions.shared.auth import AUTOMATION, Caller, Group
from functions.shared.business_time import SUPPORT_TIMEZONE
from functions.shared.contracts import (
    Actor,
    AlertLine,
    MonitoringAlertsAttached,
    MonitoringAlertsRecovered,
    MonitoringCaseRequested,
    MonitoringEvent,
    Updated,
)
from functions.shared.errors import NotFound, ServiceUnavailable
from functions.shared.observability import logger

SUBJECT_PREFIX = "Monitoring: "
SUBJECT_MAX = 255  # the API's ShortText: what an engineer could type
DEVICE_IN_SUBJECT = 80  # characters of the device in the subject (the description has it whole)
SUMMARY_IN_DESCRIPTION = 500  # characters of each alert's summary in the description and the notes
MAX_ATTEMPTS = 5
EASTERN = ZoneInfo(SUPPORT_TIMEZONE)
# The directory's contact statuses (functions/shared/dal/directory.py ContactStatus) a monitoring case falls back on.
CONTACT_FALLBACK = ("active", "invited")
STAFF_ROLES = {Group.ENGINEER.value: Group.ENGINEER, Group.MANAGER.value: Group.MANAGER}


class CannotOpenMonitoringCase(Exception):
    """The directory gives the incident's case no account or no contact: the event fails to its dead-letter
    queue (whose alarm calls a human) until the directory is fixed and the queue redriven."""


class _NothingToDo(Exception):
    pass


# --- opening the incident's case -----------------------------------------------------------------


def monitoring_contact(account: Account) -> str | None:
    """Who a monitoring case is for: the first of the account's emergency contacts (the directory keeps them in
    the order to call them) who is not disabled; else, the account's first active contact; else its first
    invited one ("first" by contact id: the account item's map of contacts keeps no order); None when every
    contact is disabled, or there is none."""
    for contact_id in account.emergency_contact_ids:
        entry = account.contacts.get(contact_id)
        if entry is not None and entry.may_sign_in:  # not disabled
            return contact_id
    for status in CONTACT_FALLBACK:
        found = sorted(contact_id for contact_id, entry in account.contacts.items() if entry.status == status)
        if found:
            return found[0]
    return None


def monitoring_subject(summary: str, device: str) -> str:
    """ "Monitoring: <summary> on <device>", one line, within the subject's 255 characters: the device is cut
    to DEVICE_IN_SUBJECT, then the summary to what is left."""
    device = _shortened(_one_line(device), DEVICE_IN_SUBJECT)
    suffix = f" on {device}"
    room = SUBJECT_MAX - len(SUBJECT_PREFIX) - len(suffix)
    return f"{SUBJECT_PREFIX}{_shortened(_one_line(summary), room)}{suffix}"


def monitoring_description(requested: MonitoringCaseRequested) -> str:
    listed = len(requested.alerts)
    lines = [
        f"Opened by the monitoring platform: {_one_line(requested.summary)} on {_one_line(requested.device)} "
        f"({requested.severity}), first detected {eastern(requested.detected_at)}.",
        "",
        f"The incident has {_alerts(requested.alert_count)} in all"
        + (":" if listed == requested.alert_count else f"; the first {listed}:"),
        *alert_lines(requested.alerts),
    ]
    if listed < requested.alert_count:
        lines.append(f"... and {requested.alert_count - listed} more (the alerts API lists them all).")
    return "\n".join(lines)


def alert_lines(alerts: list[AlertLine]) -> list[str]:
    """One line per alert: its dedup key, device, severity, summary and when it first triggered."""
    return [
        f"- [{alert.severity}] {_one_line(alert.device)}: {_shortened(_one_line(alert.summary), SUMMARY_IN_DESCRIPTION)} "
        f"(dedup key {alert.dedup_key}; first triggered {eastern(alert.first_triggered_at)})"
        for alert in alerts
    ]


def caller_of(actor: Actor) -> Caller:
    """Who opens the case: the automation, or the engineer (or manager) who asked for it from the alerts API.
    Anyone else is not someone the alerts domain lets open a case: the automation opens it then."""
    if actor.is_automation:
        return AUTOMATION
    group = STAFF_ROLES.get(actor.role)
    if group is None or actor.contact_id is not None:
        logger.warning("monitoring case requested by someone not support staff: opened by the automation", extra={"role": actor.role})
        return AUTOMATION
    return Caller(user_id=actor.user_id, groups=frozenset({group}))


def monitoring_case(
    requested: MonitoringCaseRequested, account: Account, contact_id: str, caller: Caller, case_number: str, now: datetime
) -> Case:
    due = response_due(now, Priority.PROD_DOWN)
    return Case(
        case_number=case_number,
        case_type=CaseType.SUPPORT,
        case_sub_type=CaseSubType.PROBLEM,
        environment_type=EnvironmentType.PRODUCTION,
        account_id=requested.account_id,
        contact_id=contact_id,
        opened_by=caller.user_id,
        channel=Channel.MONITORING,
        status=Status.OPEN,
        sub_status=NEW_CASE_SUB_STATUS,
        priority=Priority.PROD_DOWN,
        subject=monitoring_subject(requested.summary, requested.device),
        description=monitoring_description(requested),
        created_at=now,
        modified_at=now,
        version=1,
        response_due_at=due.due_at,
        response_rule=due.rule,
        region=account.region,
        detected_at=requested.detected_at,
        monitoring_group_id=requested.group_id,
    )


def open_monitoring_case(requested: MonitoringCaseRequested, *, store: CaseStore, now: datetime) -> Case | None:
    """Opens the incident's case; None when it has one already (nothing is written then). Raises
    CannotOpenMonitoringCase when the directory has no account or contact to open it for."""
    about = {"group_id": requested.group_id, "account_id": requested.account_id, "event_key": requested.event_key}
    for _ in range(MAX_ATTEMPTS):
        opened, account = store.read_before_monitoring_case(requested.group_id, requested.account_id)
        if opened is not None:
            logger.info("monitoring case not opened: the incident has its case", extra=about | {"case_number": opened})
            return None
        if account is None:
            raise CannotOpenMonitoringCase(
                f"account {requested.account_id} is not in the directory: add it, then redrive the cases domain's dead-letter queue"
            )
        contact_id = monitoring_contact(account)
        if contact_id is None:
            raise CannotOpenMonitoringCase(
                f"account {requested.account_id} has no contact that is not disabled to open incident {requested.group_id}'s case for: "
                "add or enable one (or name emergency contacts), then redrive the cases domain's dead-letter queue"
            )
        caller = caller_of(requested.actor)
        case = monitoring_case(requested, account, contact_id, caller, format_case_number(store.next_case_number()), now)
        case, history, events = opening(case, caller, now)
        try:
            store.create_monitoring_case(case, history, events, group_id=requested.group_id, now=now)
        except MonitoringCaseExists:
            # A concurrent delivery committed first (this case number stays unused).
            logger.info("monitoring case not opened: a concurrent delivery opened it", extra=about)
            return None
        except StaleCase:
            continue  # a concurrent transaction on the claim: read it again
        logger.info("monitoring case opened", extra=about | {"case_number": case.case_number, "contact_id": contact_id})
        return case
    raise ServiceUnavailable(f"The case of incident {requested.group_id} could not be opened for concurrent writes; it is retried.")


# --- the notes of an incident on its case ------------------------------------------------------------


def digest(attached: MonitoringAlertsAttached) -> str:
    listed = len(attached.new_alerts)
    lines = [
        f"{_alerts(attached.new_alert_count, 'new alert')}: the incident now has {_alerts(attached.alert_count)}"
        + ("." if listed == attached.new_alert_count else f"; the first {listed} new:"),
        *alert_lines(attached.new_alerts),
    ]
    if listed < attached.new_alert_count:
        lines.append(f"... and {attached.new_alert_count - listed} more (the alerts API lists them all).")
    return "\n".join(lines)


def recovery_note(recovered: MonitoringAlertsRecovered) -> str:
    every = "The incident's alert" if recovered.alert_count == 1 else f"All {recovered.alert_count} alerts of the incident"
    return f"{every} recovered at {eastern(recovered.recovered_at)} (monitoring)."


def untouched(case: Case, store: CaseStore) -> bool:
    """Whether recovery may close the case (closeIfUntouched): it is still Open, has no owner, and nobody but
    the automation changed it after its opening (no update by a person, customer or support, and no field
    set by one: the case's history after its first entry holds only the automation's entries, such as the
    desk's own monitoring notes and response escalations)."""
    return case.status is Status.OPEN and case.owner_id is None and not store.changed_by_a_person(case.case_number)


def note_alerts_attached(attached: MonitoringAlertsAttached, *, store: CaseStore, now: datetime) -> Outcome:
    def decide(case: Case) -> Decision:
        _of_the_incident(case, attached)
        return Decision(CaseAction.MONITORING_ALERTS_ATTACHED, {}, (UpdateKind.INTERNAL_NOTE, digest(attached)), [Updated()])

    return _apply(attached, decide, store=store, now=now, done=Outcome.NOTED)


def note_alerts_recovered(recovered: MonitoringAlertsRecovered, *, store: CaseStore, now: datetime) -> Outcome:
    closed = False

    def decide(case: Case) -> Decision:
        nonlocal closed
        _of_the_incident(case, recovered)
        note = recovery_note(recovered)
        closed = recovered.close_if_untouched and untouched(case, store)
        if closed:
            return close_recovered(case, now, note)
        return Decision(CaseAction.MONITORING_ALERTS_RECOVERED, {}, (UpdateKind.MONITORING_NOTE, note), [Updated()])

    outcome = _apply(recovered, decide, store=store, now=now, done=Outcome.NOTED)
    return Outcome.CLOSED if outcome is Outcome.NOTED and closed else outcome


def _apply(
    event: MonitoringAlertsAttached | MonitoringAlertsRecovered,
    decide: Callable[[Case], Decision],
    *,
    store: CaseStore,
    now: datetime,
    done: Outcome,
) -> Outcome:
    about = {"case_number": event.case_number, "group_id": event.group_id, "event_key": event.event_key}
    try:
        change_case(
            event.case_number,
            AUTOMATION,
            decide,
            if_match=None,
            store=store,
            now=now,
            applied_event=f"{event.source}#{event.detail_type}#{event.event_key}",
        )
    except EventAlreadyApplied:
        logger.info("monitoring note already on the case: a duplicate delivery", extra=about)
        return Outcome.UNCHANGED
    except (_NothingToDo, NotFound):
        return Outcome.UNCHANGED
    return done


def _of_the_incident(case: Case, event: MonitoringEvent) -> None:
    about = {"case_number": case.case_number, "group_id": event.group_id, "detail_type": event.detail_type}
    if case.monitoring_group_id != event.group_id or case.account_id != event.account_id:
        logger.warning("monitoring note not recorded: the case is not this incident's", extra=about)
        raise _NothingToDo()
    if case.status is Status.CLOSED:
        logger.info("monitoring note not recorded: the case is closed", extra=about)
        raise _NothingToDo()


# --- text --------------------------------------------------------------------------------------------


def eastern(moment: datetime) -> str:
    """A moment as the desk states times to everyone (as its emails do): "Monday 7 December 2026, 09:55 US
    Eastern (EST)"."""
    local = moment.astimezone(EASTERN)
    return f"{local:%A} {local.day} {local:%B %Y, %H:%M} US Eastern ({local:%Z})"


def _alerts(count: int, noun: str = "alert") -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _shortened(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
