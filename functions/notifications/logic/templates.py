"""Every email this domain sends, in one place: a subject, what happened and what is asked of the
reader, in plain text and HTML. Each carries the case number and its Reference ID in the subject and
the body, and links the case. Every value from outside this file (names, reasons, anything from the
event or the directory) is HTML-escaped in the HTML part."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from functions.notifications.models.events import CaseEventDetail
from functions.notifications.models.notifications import Account, Email, NotificationKind, Recipient
from functions.shared.business_time import SUPPORT_TIMEZONE

Kind = NotificationKind
SIGNATURE = "Dedicated Support Services"
# The desk's phone lines: a copy of functions/cases/logic/create_case.py SUPPORT_PHONE_NUMBERS (this
# domain never imports the cases domain; tests/unit/test_notification_contract.py keeps them equal).
SUPPORT_PHONE_NUMBERS = "1-866-794-3423 or 1-317-715-8686"
EASTERN = ZoneInfo(SUPPORT_TIMEZONE)


@dataclass(frozen=True)
class Template:
    subject: str  # after "Case <number>: "
    summary: str  # what happened
    ask: str  # what the reader is asked to do


TEMPLATES: dict[NotificationKind, Template] = {
    Kind.CASE_OPENED: Template(
        "opened for you",
        "Dedicated Support Services opened case {case_number} for you: {case_type}, priority {priority}.",
        "Nothing for now: we work on the case and write to you when we need you. You can add information to it at any time.",
    ),
    Kind.SUPPORT_UPDATE: Template(
        "new update from support",
        "Support posted an update on case {case_number}.",
        "Read the update on the case and answer there if it asks you anything.",
    ),
    Kind.INFORMATION_REQUESTED: Template(
        "information requested",
        "Support needs information from you to continue working on case {case_number}; the case is Awaiting Info until you answer.",
        "Open the case, read what is asked and post the information as an update.",
    ),
    Kind.SOLUTION_PROPOSED: Template(
        "solution proposed",
        "Support proposed a solution for case {case_number}.",
        "Try the solution, then accept it on the case (it closes as Resolved) or reject it with your reason (support continues).",
    ),
    Kind.CLOSED_BY_SUPPORT: Template(
        "closed",
        "Support closed case {case_number} ({sub_status}).",
        "Nothing if your issue is solved. If it is not, reopen the case within 30 days with new information.",
    ),
    Kind.REOPENED_BY_SUPPORT: Template(
        "reopened",
        "Support reopened case {case_number}; it is Open again.",
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
        f"If you still need help with this issue, call Dedicated Support Services at {SUPPORT_PHONE_NUMBERS}: a case closed "
        "this way can be reopened only by phone. Otherwise, open a new case.",
    ),
    Kind.CUSTOMER_UPDATE: Template(
        "update from {customer_name}",
        "{customer_name} ({account_name}) posted an update on case {case_number}.",
        "Read the update and answer the customer on the case.",
    ),
    Kind.SOLUTION_REJECTED: Template(
        "solution rejected",
        "{customer_name} ({account_name}) rejected the solution proposed for case {case_number}; the case is Open again.",
        "Read the customer's reason on the case and continue the investigation.",
    ),
    Kind.CLOSED_BY_CUSTOMER: Template(
        "closed by the customer",
        "{customer_name} ({account_name}) closed case {case_number} as {sub_status}.",
        "Nothing: the closure comment is on the case.",
    ),
    Kind.REOPENED_BY_CUSTOMER: Template(
        "reopened by the customer",
        "{customer_name} ({account_name}) reopened case {case_number} with new information.",
        "Review the new information on the case and resume the work.",
    ),
    Kind.PRIORITY_RAISED: Template(
        "priority raised to {priority}",
        "{actor_name} raised case {case_number} to {priority}.\nReason given: {reason}",
        "Work the case to the response target of its new priority.",
    ),
    Kind.URGENT_PRIORITY_REQUESTED: Template(
        "{requested_priority} requested",
        "{customer_name} ({account_name}) asks for case {case_number} to be raised from {priority} to {requested_priority}.\n"
        "Reason given: {reason}",
        "Call the customer back: High and Prod Down are set by support during a phone call.",
    ),
    Kind.MANAGEMENT_ESCALATION: Template(
        "escalated to regional support management ({region})",
        "{customer_name} ({account_name}) escalated case {case_number} ({priority}, {status}) to the support management "
        "of region {region}.\nReason given: {reason}",
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
}

TEXT_LAYOUT = """Hello {recipient_name},

{summary}

What we ask of you: {ask}

Case {case_number}: {case_type}, {priority}, {status_line}
Open the case: {link}
Reference ID: {reference_id} (keep it in the subject when you email us about this case)

{signature}
"""

HTML_LAYOUT = """<!DOCTYPE html>
<html><body style="font-family: Arial, Helvetica, sans-serif; font-size: 14px;">
<p>Hello {recipient_name},</p>
<p style="white-space: pre-line;">{summary}</p>
<p><strong>What we ask of you:</strong> {ask}</p>
<p>Case {case_number}: {case_type}, {priority}, {status_line}<br>
<a href="{link}">Open case {case_number}</a></p>
<p>Reference ID: <strong>{reference_id}</strong> (keep it in the subject when you email us about this case)</p>
<p>{signature}</p>
</body></html>
"""


def case_link(portal_url: str, case_number: str) -> str:
    return f"{portal_url.rstrip('/')}/cases/{case_number}"


def render(
    kind: NotificationKind,
    detail: CaseEventDetail,
    account: Account | None,
    recipient: Recipient,
    *,
    reference_id: str,
    portal_url: str,
) -> Email:
    template, values = TEMPLATES[kind], _values(detail, account, recipient)
    values |= {"link": case_link(portal_url, detail.case_number), "reference_id": reference_id, "signature": SIGNATURE}
    escaped = {name: html.escape(value) for name, value in values.items()}
    subject = f"Case {detail.case_number}: {template.subject.format_map(values)} [{reference_id}]"
    return Email(
        to_name=_one_line(recipient.name),
        to_address=recipient.email,
        subject=_one_line(subject),
        text=TEXT_LAYOUT.format_map(values | {"summary": template.summary.format_map(values), "ask": template.ask.format_map(values)}),
        html=HTML_LAYOUT.format_map(escaped | {"summary": template.summary.format_map(escaped), "ask": template.ask.format_map(escaped)}),
    )


def _values(detail: CaseEventDetail, account: Account | None, recipient: Recipient) -> dict[str, str]:
    contacts = account.contacts if account else {}
    acting_contact = contacts.get(detail.actor.contact_id or "") if detail.actor.is_customer else None
    case_contact = contacts.get(detail.contact_id)
    person = acting_contact or case_contact
    customer_name = person.name if person else "The customer"
    return {
        "recipient_name": recipient.name,
        "case_number": detail.case_number,
        "case_type": detail.case_type,
        "priority": detail.priority,
        "status": detail.status,
        "sub_status": detail.sub_status or "",
        "status_line": f"{detail.status} ({detail.sub_status})" if detail.sub_status else detail.status,
        "account_name": account.name if account else detail.account_id,
        "customer_name": customer_name,
        "actor_name": customer_name if detail.actor.is_customer else "Support",
        "reason": detail.reason or "(none given)",
        "requested_priority": detail.requested_priority or "",
        "region": detail.region or (account.region if account else "unassigned"),
        "owner": detail.owner_id or "none (unassigned)",
        "reminder": str(detail.reminder or ""),
        "asked_at": eastern(detail.asked_at),
        "auto_close_at": eastern(detail.auto_close_at),
        "response_due_at": eastern(detail.response_due_at),
        "response_rule": detail.response_rule or "(not given)",
    }


def eastern(moment: datetime | None) -> str:
    """A moment as the desk states times to everyone: its business hours' zone, e.g.
    "Tuesday 8 December 2026, 10:00 US Eastern"."""
    if moment is None:
        return "(unknown)"
    local = moment.astimezone(EASTERN)
    return f"{local:%A} {local.day} {local:%B %Y, %H:%M} US Eastern"


def _one_line(text: str) -> str:
    """Header values: a line break from a name or a reason must not start a new header."""
    return " ".join(text.split())
