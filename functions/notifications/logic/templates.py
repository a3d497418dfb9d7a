"""Every email this domain sends, in one place: a subject, what happened and what is asked of the
reader, in plain text and HTML. Each carries the case number and its Reference ID in the subject and
the body, and links the case. Every value from outside this file (names, reasons, anything from the
event or the directory) is HTML-escaped in the HTML part."""

from __future__ import annotations

import html
from dataclasses import dataclass

from functions.notifications.models.events import CaseEventDetail
from functions.notifications.models.notifications import Account, Email, NotificationKind, Recipient

Kind = NotificationKind
SIGNATURE = "Dedicated Support Services"


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
    }


def _one_line(text: str) -> str:
    """Header values: a line break from a name or a reason must not start a new header."""
    return " ".join(text.split())
