"""The Testing Department's emails (the guide: only the Windows updates it validated are applied to customers'
systems): a critical Microsoft update still pending validation at its expected date (WindowsUpdateValidationOverdue:
which update, when it was released and expected, and how to validate or reject it), and the Patch Tuesday reminder
(WindowsUpdatesReminder: record this month's updates; how many recorded ones are still pending). Laid out as a
case's emails are (email_layout.py), in plain text and HTML carrying the same facts; about no case, so no Reference
ID. The portal's Windows updates page is the link."""

from __future__ import annotations

from datetime import date

from functions.notifications.logic.email_layout import Content, email_to, one_line
from functions.notifications.models.notifications import Email, Recipient
from functions.shared.contracts import WindowsUpdatesReminder, WindowsUpdateValidationOverdue

TITLE_IN_SUBJECT = 80  # characters of the update's title in the email's Subject (the body has it whole)


def windows_updates_link(portal_url: str) -> str:
    return f"{portal_url.rstrip('/')}/maintenance/windows-updates"


def decide_calls(kb: str) -> tuple[str, str]:
    """The updates API's calls that validate or reject a recorded update (a Testing Department user's)."""
    return f"POST /maintenance/windows-updates/{kb}/validate", f"POST /maintenance/windows-updates/{kb}/reject"


def day(moment: date) -> str:
    """A day as the desk writes it: "Tuesday 9 December 2025"."""
    return f"{moment:%A} {moment.day} {moment:%B %Y}"


def render_testing_department(
    detail: WindowsUpdateValidationOverdue | WindowsUpdatesReminder, recipient: Recipient, *, portal_url: str
) -> Email:
    if isinstance(detail, WindowsUpdateValidationOverdue):
        content = compose_validation_overdue(detail, recipient, portal_url=portal_url)
    else:
        content = compose_updates_reminder(detail, recipient, portal_url=portal_url)
    return email_to(recipient, content)


def compose_validation_overdue(detail: WindowsUpdateValidationOverdue, recipient: Recipient, *, portal_url: str) -> Content:
    kb, title, link = detail.kb, one_line(detail.title), windows_updates_link(portal_url)
    validate, reject = decide_calls(kb)
    severity = detail.severity or "not given"
    summary = (
        f"Microsoft update {kb} ({detail.classification}, severity {severity}), released on {day(detail.released_on)}, was "
        f"expected to be validated or rejected by {day(detail.expected_on)} and is still pending validation.\n"
        "Until the Testing Department validates it, it is not installed on any customer's systems: only validated "
        "Windows updates are applied."
    )
    return Content(
        subject=one_line(f"Windows update {kb} overdue for validation ({detail.classification}) – {_shortened(title, TITLE_IN_SUBJECT)}"),
        title="Critical Windows update still pending validation",
        subtitle=f"{kb}: {title}",
        preheader=one_line(summary.split("\n", 1)[0]),
        greeting=f"Hello {recipient.name},",
        summary=summary,
        words_label=None,
        words=None,
        words_partial=False,
        ask=(
            f"Validate or reject {kb} now: as a Testing Department user, call {validate} when it is safe to install, or "
            f"{reject} with your reason; or decide it on the portal's Windows updates page: {link}"
        ),
        next_steps=[],
        facts=[
            ("KB", kb),
            ("Title", title),
            ("Classification", detail.classification),
            ("Severity", severity),
            ("Released", day(detail.released_on)),
            ("Validation expected by", day(detail.expected_on)),
            ("Status", "pending validation"),
            ("Validate", validate),
            ("Reject", reject),
        ],
        link=link,
        link_label="Open the Windows updates",
        link_line="Open the Windows updates",
        reference_id=None,
    )


def compose_updates_reminder(detail: WindowsUpdatesReminder, recipient: Recipient, *, portal_url: str) -> Content:
    link, pending = windows_updates_link(portal_url), detail.pending
    still = "No recorded update is" if pending == 0 else ("1 recorded update is" if pending == 1 else f"{pending} recorded updates are")
    summary = (
        f"Today, {day(detail.patch_tuesday)}, is Patch Tuesday: Microsoft released this month's updates.\n{still} still pending validation."
    )
    return Content(
        subject=f"Patch Tuesday {detail.patch_tuesday:%B %Y}: record this month's Microsoft updates ({pending} pending validation)",
        title="Patch Tuesday: record this month's Microsoft updates",
        subtitle=f"Windows updates, {detail.patch_tuesday:%B %Y}",
        preheader=one_line(summary.split("\n", 1)[0]),
        greeting=f"Hello {recipient.name},",
        summary=summary,
        words_label=None,
        words=None,
        words_partial=False,
        ask=(
            f"Record each of this month's Microsoft updates on the portal's Windows updates page ({link}), then validate "
            "or reject each one there, or as a Testing Department user with POST /maintenance/windows-updates/<KB>/validate "
            "or /reject."
        ),
        next_steps=[],
        facts=[
            ("Patch Tuesday", day(detail.patch_tuesday)),
            ("Pending validation", str(pending)),
        ],
        link=link,
        link_label="Open the Windows updates",
        link_line="Open the Windows updates",
        reference_id=None,
    )


def _shortened(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
