"""The notice of a monitoring incident held outside business hours (MonitoringGroupHeld), to the region's
after-hours address: what was detected (the device, the first alert's summary and severity, how many alerts,
when, in US Eastern), when its case opens by itself (the next business opening, if the incident still fires)
and how an engineer opens it now (one call to the alerts API, or the portal's alerts page). Laid out as a
case's emails are (email_layout.py), in plain text and HTML carrying the same facts; there is no case yet, so
no Reference ID."""

from __future__ import annotations

from dataclasses import dataclass

from functions.notifications.logic.email_layout import Content, email_to, one_line
from functions.notifications.logic.templates import eastern
from functions.notifications.models.notifications import Account, Email, Recipient
from functions.shared.contracts import MonitoringGroupHeld

SUMMARY_IN_SUBJECT = 80  # characters of the alert's summary in the email's Subject (the body has it whole)


@dataclass(frozen=True)
class HeldFacts:
    """What the notice says beyond the event: the account (its name and region)."""

    account: Account


def alerts_link(portal_url: str) -> str:
    return f"{portal_url.rstrip('/')}/alerts"


def open_now_call(group_id: str) -> str:
    """The alerts API's call that opens a held incident's case at once."""
    return f"POST /alerts/groups/{group_id}/case"


def render_group_held(detail: MonitoringGroupHeld, facts: HeldFacts, recipient: Recipient, *, portal_url: str) -> Email:
    content = compose_group_held(detail, facts, recipient, portal_url=portal_url)
    return email_to(recipient, content)


def compose_group_held(detail: MonitoringGroupHeld, facts: HeldFacts, recipient: Recipient, *, portal_url: str) -> Content:
    account = facts.account
    name, device, summary = one_line(account.name), one_line(detail.device), one_line(detail.summary)
    alerts = "1 alert" if detail.alert_count == 1 else f"{detail.alert_count} alerts"
    link = alerts_link(portal_url)
    opens_at = eastern(detail.opens_at)
    summary_text = (
        f"Monitoring detected a {detail.severity} problem on {device} of {name} ({account.account_id}) outside business "
        f"hours: {summary}\n"
        f"The incident ({alerts} so far) is held: no case is open and the customer has not been told. Its 1-Prod Down case "
        f"opens by itself at the next business opening, {opens_at}, if the incident is still firing then."
    )
    return Content(
        subject=one_line(
            f"After hours: {detail.severity} on {_shortened(device, 60)} ({_shortened(name, 40)}) – "
            f"{_shortened(summary, SUMMARY_IN_SUBJECT)}"
        ),
        title="Monitoring incident held until the business opening",
        subtitle=f"Account {name} ({account.account_id}), region {account.region}",
        preheader=one_line(summary_text.split("\n", 1)[0]),
        greeting=f"Hello {recipient.name},",
        summary=summary_text,
        words_label=None,
        words=None,
        words_partial=False,
        ask=(
            "Decide whether this can wait until the opening. To open its case now, as an engineer call "
            f"{open_now_call(detail.group_id)} (one call), or open the incident on the portal's alerts page: {link}"
        ),
        next_steps=[("Its case opens by itself, if the incident is still firing", opens_at)],
        facts=[
            ("Account", f"{name} ({account.account_id})"),
            ("Device", device),
            ("Summary", summary),
            ("Severity", detail.severity),
            ("Alerts", str(detail.alert_count)),
            ("Detected", eastern(detail.detected_at)),
            ("Case opens at", opens_at),
            ("Incident", detail.group_id),
            ("Open the case now", open_now_call(detail.group_id)),
        ],
        link=link,
        link_label="Open the alerts",
        link_line="Open the alerts",
        reference_id=None,
    )


def _shortened(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
