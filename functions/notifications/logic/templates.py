"""Every email this domain sends, in one place: what happened and who did it, the words that matter (the
update's text), what is asked of the reader, what happens next and when, and the case (its subject
among its facts), in plain text and in HTML that carry the same information. Each carries the case
number and its Reference ID in the subject and the body, and links the case.

The HTML is built for mail clients: tables and inline styles only (no <style>, no external CSS, no
images, so it reads the same with images off), a `lang`, a hidden preheader, dark text on light
backgrounds, and the link as a button-like cell plus the address in text. Every value from outside this
file (names, the update's text, anything from the event or the directory) is HTML-escaped there."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from functions.notifications.logic.email_facts import DESK
from functions.notifications.logic.email_layout import Content, email_to, one_line
from functions.notifications.models.events import CaseEventDetail
from functions.notifications.models.notifications import Account, Email, EmailFacts, NotificationKind, Recipient
from functions.shared.business_time import SUPPORT_TIMEZONE
from functions.shared.contracts import InstallationNotice
from functions.shared.update_rules import UpdateKind, UpdateReason

Kind = NotificationKind
# The desk's phone lines: a copy of functions/cases/logic/create_case.py SUPPORT_PHONE_NUMBERS (this
# domain never imports the cases domain; tests/unit/test_notification_contract.py keeps them equal).
SUPPORT_PHONE_NUMBERS = "1-866-794-3423 or 1-317-715-8686"
EASTERN = ZoneInfo(SUPPORT_TIMEZONE)
SUBJECT_IN_HEADER = 80  # characters of the case's subject in the email's Subject (the body has it whole)


@dataclass(frozen=True)
class Template:
    subject: str  # after "Case <number>: "
    summary: str  # what happened; "{actor}" is who did it (a sentence starts with it, capitalised)
    ask: str  # what the reader is asked to do


TEMPLATES: dict[NotificationKind, Template] = {
    Kind.CASE_OPENED: Template(
        "opened for you",
        "{actor} opened case {case_number} for you: {case_type}, priority {priority}.",
        "Nothing for now: we work on the case and write to you when we need you. You can add information to it at any time.",
    ),
    Kind.SUPPORT_UPDATE: Template(
        "new update from support",
        "{actor} posted an update on case {case_number}.",
        "Read the update and answer on the case if it asks you anything.",
    ),
    Kind.INFORMATION_REQUESTED: Template(
        "information requested",
        "{actor} needs information from you to continue working on case {case_number}; the case is Awaiting Info until you answer.",
        "Open the case, read what is asked and post the information as an update.",
    ),
    Kind.SOLUTION_PROPOSED: Template(
        "solution proposed",
        "{actor} proposed a solution for case {case_number}.",
        "Try the solution, then accept it on the case (it closes as Resolved) or reject it with your reason (support continues).",
    ),
    Kind.CLOSED_BY_SUPPORT: Template(
        "closed",
        "{actor} closed case {case_number} ({sub_status}).",
        "Nothing if your issue is solved. If it is not, reopen the case within 30 days with new information.",
    ),
    Kind.RESOLVED_BY_INSTALLATION: Template(
        "closed, resolved by installation case {resolved_by_case}",
        "Case {case_number} was closed as Resolved because the installation made in case {resolved_by_case}, "
        "requested by {actor}, resolves it.",
        "Nothing if the problem is gone. If it remains after the installation, reopen this case within 30 days with new "
        "information (what you still see, and since when): support continues on it.",
    ),
    Kind.REOPENED_BY_SUPPORT: Template(
        "reopened",
        "{actor} reopened case {case_number}; it is Open again.",
        "Nothing for now: support is working on the case again.",
    ),
    Kind.FOLLOW_UP_INFORMATION_REMINDER: Template(
        "reminder {reminder}: information still needed",
        "Support asked you for information on case {case_number} on {asked_at} and has not had your answer yet. "
        "This is reminder {reminder} of 2 of the automated follow-up.\n"
        "If there is no answer, the case will be closed automatically on {auto_close_at}.",
        "Open the case, read what is asked and post the information as an update; your update stops the automated follow-up.",
    ),
    Kind.FOLLOW_UP_SOLUTION_REMINDER: Template(
        "reminder {reminder}: please accept or reject the proposed solution",
        "Support proposed a solution for case {case_number} on {asked_at} and has not had your answer yet. "
        "This is reminder {reminder} of 2 of the automated follow-up.\n"
        "If there is no answer, the case will be closed automatically on {auto_close_at}.",
        "Try the solution, then accept it on the case (it closes as Resolved) or reject it with your reason (support continues); "
        "either answer stops the automated follow-up.",
    ),
    Kind.AUTO_CLOSED: Template(
        "closed automatically (no answer)",
        "Case {case_number} was closed automatically (Auto-closed): support was waiting for your answer and there was none "
        "after the automated follow-up (two reminders, then closure after 10 business days).",
        f"If you still need help with this issue, call {DESK} at {SUPPORT_PHONE_NUMBERS}: a case closed "
        "this way can be reopened only by phone. Otherwise, open a new case.",
    ),
    Kind.CUSTOMER_UPDATE: Template(
        "update from {actor_name}",
        "{actor} posted an update on case {case_number}.",
        "Read the update and answer the customer on the case.",
    ),
    Kind.SOLUTION_REJECTED: Template(
        "solution rejected",
        "{actor} rejected the solution proposed for case {case_number}; the case is Open again.",
        "Read the customer's reason and continue the investigation.",
    ),
    Kind.CLOSED_BY_CUSTOMER: Template(
        "closed by the customer",
        "{actor} closed case {case_number} as {sub_status}.",
        "Nothing: the case is closed. The customer may reopen it within 30 days with new information.",
    ),
    Kind.REOPENED_BY_CUSTOMER: Template(
        "reopened by the customer",
        "{actor} reopened case {case_number} with new information.",
        "Review the new information and resume the work on the case.",
    ),
    Kind.PRIORITY_RAISED: Template(
        "priority raised to {priority}",
        "{actor} raised case {case_number} to {priority}.",
        "Work the case to the response target of its new priority.",
    ),
    Kind.URGENT_PRIORITY_REQUESTED: Template(
        "{requested_priority} requested",
        "{actor} asks for case {case_number} to be raised from {priority} to {requested_priority}.",
        "Call the customer back: High and Prod Down are set by support during a phone call.",
    ),
    Kind.MANAGEMENT_ESCALATION: Template(
        "escalated to regional support management ({region})",
        "{actor} escalated case {case_number} ({priority}, {status}) to the support management of region {region}.",
        "Review the case and contact the customer.",
    ),
    Kind.RESPONSE_OVERDUE: Template(
        "first response overdue ({priority})",
        "The first response target of case {case_number} ({priority}, {account_name}) was missed: support's first response "
        "was due {response_due_at} and the customer has had none.\nResponse target: {response_rule}",
        "Answer the customer on the case now.",
    ),
    Kind.RESPONSE_OVERDUE_UNASSIGNED: Template(
        "first response overdue ({priority}), no owner",
        "The first response target of case {case_number} ({priority}, {account_name}) was missed: support's first response "
        "was due {response_due_at} and the case has no owner.\nResponse target: {response_rule}",
        "Assign the case now, and answer the customer on it at once.",
    ),
    Kind.RESPONSE_OVERDUE_TO_MANAGERS: Template(
        "first response overdue ({priority}), escalated to regional support management ({region})",
        "The first response target of case {case_number} ({priority}, {account_name}) was missed and the customer still has "
        "no answer: support's first response was due {response_due_at}; owner: {owner}.\nResponse target: {response_rule}",
        "Make sure the customer is answered now: assign the case if it has no owner, or follow up with its owner.",
    ),
    Kind.MONITORING_CASE_OPENED: Template(
        "opened from monitoring ({priority})",
        "Our monitoring detected a problem on your systems and opened case {case_number} for you: {case_type}, priority "
        "{priority}. Our engineers are engaged.",
        "Nothing for now: we work on the case and write to you when we need you. If you know more about the problem "
        "(a change, a maintenance), add it to the case.",
    ),
}
# What support staff read instead of the contact's words, for the notifications both hear of.
STAFF_TEMPLATES: dict[NotificationKind, Template] = {
    Kind.MONITORING_CASE_OPENED: Template(
        "opened from monitoring ({priority}), no owner",
        "Monitoring opened case {case_number} ({priority}) for {account_name}; it has no owner yet.\n"
        "A {priority} case is answered around the clock: if nobody responds in time, its response escalation tells this "
        "queue, then the region's support managers.",
        "Take the case now: assign it, check the alerts it lists and call the customer.",
    ),
}

# An installation case's kind and reason, as its contact reads them (functions/shared/update_rules.py).
UPDATE_KINDS: dict[str, str] = {
    UpdateKind.WINDOWS_UPDATE: "Windows updates validated by the Testing Department",
    UpdateKind.RELEASE: "a Release upgrade",
    UpdateKind.PATCH: "a patch",
    UpdateKind.GATEWAY_UPDATE: "a gateway Service Update or firmware",
}
UPDATE_REASONS: dict[str, str] = {
    UpdateReason.KNOWN_SCR: "for a service problem from a known Software Change Request",
    UpdateReason.NEW_SCR: "for a service problem from a new Software Change Request",
    UpdateReason.FEATURE: "for a feature you want",
    UpdateReason.BEHIND_GA: "for gateways 3 or more updates behind the current GA",
}

# How an email introduces the words a change posted, by the update's kind.
WORDS_LABELS = {
    "comment": "The update",
    "information-request": "What support asks",
    "solution-proposal": "The proposed solution",
    "solution-acceptance": "Comment on accepting the solution",
    "solution-rejection": "Why the solution was rejected",
    "closure-comment": "Closure comment",
    "reopen-information": "The new information",
    "escalation-request": "Reason given",
    "monitoring-note": "Monitoring note",
    "internal-note": "Internal note",
    "maintenance-note": "Maintenance mode",
}


def case_link(portal_url: str, case_number: str) -> str:
    return f"{portal_url.rstrip('/')}/cases/{case_number}"


def render(
    kind: NotificationKind,
    detail: CaseEventDetail,
    account: Account | None,
    recipient: Recipient,
    facts: EmailFacts,
    *,
    reference_id: str,
    portal_url: str,
) -> Email:
    content = compose(kind, detail, account, recipient, facts, reference_id=reference_id, portal_url=portal_url)
    return email_to(recipient, content)


def compose(
    kind: NotificationKind,
    detail: CaseEventDetail,
    account: Account | None,
    recipient: Recipient,
    facts: EmailFacts,
    *,
    reference_id: str,
    portal_url: str,
) -> Content:
    template = (None if recipient.is_contact else STAFF_TEMPLATES.get(kind)) or TEMPLATES[kind]
    values = _values(detail, account, facts)
    what = template.subject.format_map(values)
    summary = _sentence(template.summary.format_map(values))
    subject = f"Case {detail.case_number}: {what}"
    if detail.subject:
        subject += f" – {_shortened(detail.subject, SUBJECT_IN_HEADER)}"
    if detail.installation and kind is Kind.CASE_OPENED:
        summary += "\n" + _installing(detail.installation)
    update = facts.update
    return Content(
        subject=one_line(f"{subject} [{reference_id}]"),
        title=_sentence(what),
        subtitle=f"Case {detail.case_number}: {one_line(detail.subject)}" if detail.subject else f"Case {detail.case_number}",
        preheader=one_line(summary.split("\n", 1)[0]),
        greeting=f"Hello {recipient.name},",
        summary=summary,
        words_label=WORDS_LABELS.get(update.kind, "The update") if update else None,
        words=update.text if update else None,
        words_partial=bool(update and not update.whole),
        ask=template.ask,
        next_steps=[(step.what, eastern(step.when)) for step in facts.next_steps],
        facts=_case_facts(detail, account, recipient, facts),
        link=case_link(portal_url, detail.case_number),
        link_label=f"Open case {detail.case_number}",
        link_line="Open the case",
        reference_id=reference_id,
        related=_related(kind, detail, portal_url),
    )


def _installing(installation: InstallationNotice) -> str:
    """What an installation case installs and why, and the open cases its installation resolves (closed as Resolved
    when it was opened)."""
    what = UPDATE_KINDS.get(installation.kind, installation.kind)
    why = UPDATE_REASONS.get(installation.reason, installation.reason)
    text = f"It installs {one_line(installation.target)} ({what}, {why})."
    if installation.resolves_cases:
        numbers = ", ".join(installation.resolves_cases)
        cases = "case" if len(installation.resolves_cases) == 1 else "cases"
        text += f"\nThe installation resolves {cases} {numbers}, closed as Resolved when this case was opened."
    return text


def _related(kind: NotificationKind, detail: CaseEventDetail, portal_url: str) -> tuple[tuple[str, str], ...]:
    if kind is Kind.RESOLVED_BY_INSTALLATION and detail.resolved_by_case:
        return ((f"Installation case {detail.resolved_by_case}", case_link(portal_url, detail.resolved_by_case)),)
    return ()


def _values(detail: CaseEventDetail, account: Account | None, facts: EmailFacts) -> dict[str, str]:
    actor = f"{facts.actor_name} ({facts.actor_affiliation})" if facts.actor_affiliation else facts.actor_name
    return {
        "actor": actor,
        "actor_name": facts.actor_name,
        "case_number": detail.case_number,
        "case_type": detail.case_type,
        "priority": detail.priority,
        "status": detail.status,
        "sub_status": detail.sub_status or "",
        "account_name": account.name if account else detail.account_id,
        "requested_priority": detail.requested_priority or "",
        "region": detail.region or (account.region if account else "unassigned"),
        "owner": facts.owner or "",
        "reminder": str(detail.reminder or ""),
        "asked_at": eastern(detail.asked_at),
        "auto_close_at": eastern(detail.auto_close_at),
        "response_due_at": eastern(detail.response_due_at),
        "response_rule": detail.response_rule or "(not given)",
        "resolved_by_case": detail.resolved_by_case or "(not given)",
    }


def _case_facts(detail: CaseEventDetail, account: Account | None, recipient: Recipient, facts: EmailFacts) -> list[tuple[str, str]]:
    rows = [("Case", detail.case_number)]
    if detail.subject:
        rows.append(("Subject", one_line(detail.subject)))
    if not recipient.is_contact:  # support staff: whose case it is, and who owns it
        contact = account.contacts.get(detail.contact_id) if account else None
        rows.append(("Account", account.name if account else detail.account_id))
        rows.append(("Contact", contact.name if contact else "not in the directory"))
    rows += [
        ("Type", detail.case_type),
        ("Priority", detail.priority),
        ("Status", f"{detail.status} ({detail.sub_status})" if detail.sub_status else detail.status),
    ]
    if facts.owner is not None and not recipient.is_contact:
        rows.append(("Owner", facts.owner))
    if detail.resolved_by_case:
        rows.append(("Resolved by", f"installation case {detail.resolved_by_case}"))
    if detail.installation:
        rows.append(("Installs", one_line(detail.installation.target)))
        if detail.installation.resolves_cases:
            rows.append(("Resolves", ", ".join(detail.installation.resolves_cases)))
    return rows


def eastern(moment: datetime | None) -> str:
    """A moment as the desk states times to everyone: its business hours' zone, named, e.g.
    "Tuesday 8 December 2026, 10:00 US Eastern (EST)"."""
    if moment is None:
        return "(unknown)"
    local = moment.astimezone(EASTERN)
    return f"{local:%A} {local.day} {local:%B %Y, %H:%M} US Eastern ({local:%Z})"


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _shortened(text: str, limit: int) -> str:
    text = one_line(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
