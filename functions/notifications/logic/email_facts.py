"""What an event's emails say beyond the event itself, gathered once per event: who acted (a name from the
directory, never a user id), the case owner's name for staff, the words the change posted (read whole
from the update item; the event carries only an excerpt) and what happens next, with its date."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol

from functions.notifications.logic.recipients import Directory
from functions.notifications.models.events import CaseEventDetail
from functions.notifications.models.notifications import Account, EmailFacts, NextStep, NotificationKind, PostedUpdate
from functions.shared.business_time import business_calendar
from functions.shared.contracts import Actor
from functions.shared.domain_event import EXCERPT_CHARACTERS
from functions.shared.observability import logger
from functions.shared.retention import FILES_KEPT_AFTER_CLOSURE

Kind = NotificationKind
DESK = "Dedicated Support Services"
# Who acted, when the directory cannot say: the desk's own steps, and staff it does not know (any more).
AUTOMATION_NAME = f"the {DESK} desk"
STAFF_BY_ROLE = {"engineers": "a support engineer", "support-managers": "a support manager"}
ESCALATION_REQUEST = "escalation-request"  # the update kind of an escalation's reason
PROD_DOWN = "1-Prod Down"  # no automated follow-up (docs/architecture.md, Domain rules)
# The follow-up ladder an information request or a solution proposal starts: a copy of
# functions/cases/logic/timers.py FOLLOW_UP_BUSINESS_DAYS (this domain never imports the cases domain;
# tests/unit/test_notification_contract.py keeps them equal). The ladder starts in the same change, at its
# occurredAt, on the shared business calendar, so its dates are computed here: no read of the case, and no
# joining the change's CaseTimerStarted to its CaseUpdated. (The function needs the same DSS_HOLIDAYS as the
# cases function for the dates to agree.)
FOLLOW_UP_BUSINESS_DAYS = {"reminder1": 2, "reminder2": 5, "autoClose": 10}
ASKING_KINDS = (Kind.INFORMATION_REQUESTED, Kind.SOLUTION_PROPOSED)
REMINDER_KINDS = (Kind.FOLLOW_UP_INFORMATION_REMINDER, Kind.FOLLOW_UP_SOLUTION_REMINDER)


class ActedOnAccount(Protocol):
    """An event that names who acted on an account's behalf or on it: a case event, a contact event."""

    @property
    def actor(self) -> Actor: ...

    @property
    def account_id(self) -> str: ...


class CaseUpdates(Protocol):
    def update(self, case_number: str, update_id: str) -> PostedUpdate | None: ...


def gather_facts(
    kind: NotificationKind,
    detail: CaseEventDetail,
    account: Account | None,
    *,
    directory: Directory,
    updates: CaseUpdates,
    for_staff: bool,
    management_email_interval: timedelta,
) -> EmailFacts:
    name, affiliation = actor(detail, account, directory)
    return EmailFacts(
        actor_name=name,
        actor_affiliation=affiliation,
        owner=owner_name(detail, directory) if for_staff else None,
        update=posted_update(detail, updates),
        next_steps=next_steps(kind, detail, management_email_interval),
    )


def actor(detail: ActedOnAccount, account: Account | None, directory: Directory) -> tuple[str, str | None]:
    """Who acted, and for whom they act (their account, or the desk)."""
    who = detail.actor
    if who.is_automation:
        return AUTOMATION_NAME, None
    if who.is_customer:
        account_name = account.name if account else detail.account_id
        contact = account.contacts.get(who.contact_id or "") if account else None
        return (contact.name, account_name) if contact else (f"a contact of {account_name}", None)
    member = directory.staff(who.user_id)
    if member:
        return member.name, DESK
    return STAFF_BY_ROLE.get(who.role, DESK), None


def owner_name(detail: CaseEventDetail, directory: Directory) -> str:
    if not detail.owner_id:
        return "none (unassigned)"
    member = directory.staff(detail.owner_id)
    return member.name if member else "an engineer no longer in the directory"


def posted_update(detail: CaseEventDetail, updates: CaseUpdates) -> PostedUpdate | None:
    """The words the change posted: the update's whole text; the event's excerpt if the update cannot be
    found; an event from before excerpts may carry an escalation's reason."""
    if detail.update_id:
        found = updates.update(detail.case_number, detail.update_id)
        if found:
            return found
        logger.warning(
            "update not found: the email quotes the event's excerpt",
            extra={"case_number": detail.case_number, "update_id": detail.update_id},
        )
    if detail.excerpt:
        return PostedUpdate(detail.update_kind or "comment", detail.excerpt, whole=len(detail.excerpt) < EXCERPT_CHARACTERS)
    if detail.reason:
        return PostedUpdate(ESCALATION_REQUEST, detail.reason, whole=True)
    return None


def next_steps(kind: NotificationKind, detail: CaseEventDetail, management_email_interval: timedelta) -> tuple[NextStep, ...]:
    if kind in ASKING_KINDS and detail.priority != PROD_DOWN:
        asked = detail.occurred_at
        due = {step: business_calendar().add_business_days(asked, days) for step, days in FOLLOW_UP_BUSINESS_DAYS.items()}
        return (
            NextStep("Reminder 1, if there is no answer by then", due["reminder1"]),
            NextStep("Reminder 2, if there is still no answer", due["reminder2"]),
            NextStep("The case is closed automatically (Auto-closed) if there is no answer by", due["autoClose"]),
        )
    if kind in REMINDER_KINDS and detail.asked_at and detail.auto_close_at:
        steps = []
        if detail.reminder == 1:
            reminder2 = business_calendar().add_business_days(detail.asked_at, FOLLOW_UP_BUSINESS_DAYS["reminder2"])
            steps.append(NextStep("Reminder 2, if there is still no answer", reminder2))
        steps.append(NextStep("The case is closed automatically (Auto-closed) if there is no answer by", detail.auto_close_at))
        return tuple(steps)
    if kind in (Kind.CLOSED_BY_SUPPORT, Kind.RESOLVED_BY_INSTALLATION):
        return (NextStep("It can be reopened with new information until (its files are deleted then)", _reopen_until(detail)),)
    if kind is Kind.AUTO_CLOSED:
        return (NextStep("It can be reopened, by phone only, until", _reopen_until(detail)),)
    if kind is Kind.MANAGEMENT_ESCALATION and management_email_interval:
        until = detail.occurred_at + management_email_interval
        return (NextStep("Further management escalations of this case are recorded on it but not emailed until", until),)
    return ()


def _reopen_until(closed: CaseEventDetail) -> datetime:
    # The reopening window is the files' retention after closure (functions/shared/retention.py).
    return closed.occurred_at + FILES_KEPT_AFTER_CLOSURE
