"""The emails of a maintenance case's window, to the case's contact (the guide: maintenance mode keeps unnecessary
notifications from the support team and the customer, so the customer is told when it is on and when it ends): its
start (which devices, until when, what to do if the maintenance runs longer) and its end (what was recorded and
silenced meanwhile, and how many alerts still firing went to the support team). Laid out as a case's emails are
(email_layout.py), in plain text and HTML carrying the same facts, with the case's number and Reference ID in the
subject and the body, and the case linked."""

from __future__ import annotations

from datetime import timedelta

from functions.notifications.logic.email_layout import Content, email_to, one_line
from functions.notifications.logic.templates import case_link, eastern
from functions.notifications.models.notifications import Email, Recipient
from functions.shared.contracts import AlertLine, MaintenanceWindowEnded, MaintenanceWindowStarted

DEVICES_NAMED = 10  # devices the summary names; the facts list them all
SUMMARY_IN_LINE = 200  # characters of an alert's summary in the list of silenced alerts
# After its end a window keeps silencing for the alerts domain's settle time (functions/alerts/models/maintenance.py
# END_SETTLE; tests/unit/test_maintenance_notifications.py keeps them equal): alerts still firing then reach support.
END_SETTLE = timedelta(minutes=10)


def render_maintenance(
    detail: MaintenanceWindowStarted | MaintenanceWindowEnded, recipient: Recipient, *, reference_id: str, portal_url: str
) -> Email:
    if isinstance(detail, MaintenanceWindowStarted):
        content = compose_started(detail, recipient, reference_id=reference_id, portal_url=portal_url)
    else:
        content = compose_ended(detail, recipient, reference_id=reference_id, portal_url=portal_url)
    return email_to(recipient, content)


def compose_started(detail: MaintenanceWindowStarted, recipient: Recipient, *, reference_id: str, portal_url: str) -> Content:
    case, until = detail.case_number, eastern(detail.ends_at)
    summary = (
        f"As your case {case} asked, monitoring of {devices_text(detail.devices)} is in maintenance mode from "
        f"{eastern(detail.starts_at)} until {until}: alerts are recorded but notify nobody, neither the support team nor you.\n"
        f"Alerts still firing {_minutes(END_SETTLE)} after the end go to the support team as usual."
    )
    return Content(
        subject=one_line(f"Case {case}: maintenance mode is on until {until} [{reference_id}]"),
        title="Maintenance mode is on",
        subtitle=f"Case {case}",
        preheader=one_line(summary.split("\n", 1)[0]),
        greeting=f"Hello {recipient.name},",
        summary=summary,
        words_label=None,
        words=None,
        words_partial=False,
        ask=(
            f"Nothing for now. If the maintenance will last beyond {until}, tell us on the case before then so the window can "
            "be extended; if it finishes early, tell us too."
        ),
        next_steps=[
            ("Maintenance mode ends", until),
            ("Alerts still firing then go to the support team", eastern(detail.ends_at + END_SETTLE)),
        ],
        facts=_window_facts(detail),
        link=case_link(portal_url, case),
        link_label=f"Open case {case}",
        link_line="Open the case",
        reference_id=reference_id,
    )


def compose_ended(detail: MaintenanceWindowEnded, recipient: Recipient, *, reference_id: str, portal_url: str) -> Content:
    case = detail.case_number
    silenced = (
        "no monitoring alert fired while it was on"
        if detail.suppressed_count == 0
        else f"{_count(detail.suppressed_count, 'alert event was', 'alert events were')} recorded and silenced while it was on"
    )
    if detail.still_firing_count:
        still = (
            f"{_count(detail.still_firing_count, 'alert was', 'alerts were')} still firing at the end and "
            f"{'was' if detail.still_firing_count == 1 else 'were'} handed to the support team, as new alerts."
        )
    else:
        still = "No alert was still firing at the end: monitoring notifies as usual again."
    summary = (
        f"Maintenance mode for {devices_text(detail.devices)} (from {eastern(detail.starts_at)} until {eastern(detail.ends_at)}) "
        f"has ended: {silenced}.\n{still}"
    )
    listed = len(detail.suppressed_alerts)
    label = "The alerts recorded" if listed >= detail.suppressed_count else f"The first {listed} alerts recorded"
    in_subject = (
        "nothing silenced" if detail.suppressed_count == 0 else _count(detail.suppressed_count, "alert silenced", "alerts silenced")
    )
    return Content(
        subject=one_line(f"Case {case}: maintenance mode has ended – {in_subject} [{reference_id}]"),
        title="Maintenance mode has ended",
        subtitle=f"Case {case}",
        preheader=one_line(summary.split("\n", 1)[0]),
        greeting=f"Hello {recipient.name},",
        summary=summary,
        words_label=label if listed else None,
        words="\n".join(alert_line(alert) for alert in detail.suppressed_alerts) if listed else None,
        words_partial=False,
        ask=(
            "Check that your systems work as expected. If something is still wrong, add it to the case; if the maintenance "
            "is finished and all is well, you can close the case."
        ),
        next_steps=[],
        facts=[
            *_window_facts(detail),
            ("Alert events silenced", str(detail.suppressed_count)),
            ("Still firing at the end", str(detail.still_firing_count)),
        ],
        link=case_link(portal_url, case),
        link_label=f"Open case {case}",
        link_line="Open the case",
        reference_id=reference_id,
    )


def _window_facts(detail: MaintenanceWindowStarted | MaintenanceWindowEnded) -> list[tuple[str, str]]:
    return [
        ("Case", detail.case_number),
        ("Maintenance mode from", eastern(detail.starts_at)),
        ("Until", eastern(detail.ends_at)),
        ("Devices", ", ".join(one_line(device) for device in detail.devices) if detail.devices else "All devices of the account"),
    ]


def alert_line(alert: AlertLine) -> str:
    return (
        f"[{alert.severity}] {one_line(alert.device)}: {_shortened(one_line(alert.summary), SUMMARY_IN_LINE)} "
        f"(first fired {eastern(alert.first_triggered_at)})"
    )


def devices_text(devices: list[str] | None) -> str:
    if not devices:
        return "all your devices"
    named = ", ".join(one_line(device) for device in devices[:DEVICES_NAMED])
    return named if len(devices) <= DEVICES_NAMED else f"{len(devices)} devices ({named} and {len(devices) - DEVICES_NAMED} more)"


def _count(count: int, one: str, many: str) -> str:
    return f"1 {one}" if count == 1 else f"{count} {many}"


def _minutes(span: timedelta) -> str:
    return f"{int(span.total_seconds() // 60)} minutes"


def _shortened(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
