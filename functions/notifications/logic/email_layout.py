"""How one email's content is laid out, twice: as plain text and as HTML built for mail clients (tables and
inline styles only, in the page every domain's emails share, functions/shared/email_html.py: a `lang`, a
hidden preheader, dark text on light backgrounds, the link as a button-like cell plus the address in
text). Every value is HTML-escaped here. A case's emails and an account's share it: what
they link (the case, the account) and a case's Reference ID are the content's."""

from __future__ import annotations

from dataclasses import dataclass

from functions.notifications.logic.email_facts import DESK
from functions.notifications.models.notifications import Email, Recipient
from functions.shared.email_html import BUTTON, FONT, MUTED, TEXT, button, document, escape, layout_table
from functions.shared.email_html import one_line as one_line  # the notifications' other emails take it from here

SIGNATURE = DESK
PARTIAL_WORDS = "This is the beginning of the text; read it in full on the case."
REFERENCE_NOTE = "keep it in the subject when you email us about this case"


@dataclass(frozen=True)
class Content:
    """One email's information, laid out twice (plain text and HTML) so both carry the same facts."""

    subject: str
    title: str  # what happened, in a few words
    subtitle: str  # what it is about: "Case <number>: <its subject>", "Account <name> (<id>)"
    preheader: str  # the line inboxes show after the subject
    greeting: str
    summary: str  # one paragraph per line
    words_label: str | None
    words: str | None
    words_partial: bool
    ask: str
    next_steps: list[tuple[str, str]]  # (what, when in US Eastern)
    facts: list[tuple[str, str]]  # the case, the account: (label, value)
    link: str
    link_label: str  # the button's words: "Open case <number>"
    link_line: str  # the plain text's before the address: "Open the case"
    reference_id: str | None  # a case's (its emails ask to quote it); None: an email about no case
    # Other pages the summary names, shown right after it: (what, its address), e.g. the installation case that
    # resolved this one. The link above is the email's own.
    related: tuple[tuple[str, str], ...] = ()


def email_to(recipient: Recipient, content: Content) -> Email:
    """The email of this content to this recipient, in plain text and HTML."""
    return Email(
        to_name=one_line(recipient.name),
        to_address=recipient.email,
        subject=content.subject,
        text=plain_text(content),
        html=html_document(content),
    )


def plain_text(content: Content) -> str:
    lines = [content.title, content.subtitle, "", content.greeting, "", content.summary, ""]
    if content.related:
        lines += [f"{what}: {address}" for what, address in content.related] + [""]
    if content.words is not None:
        lines += [f"{content.words_label}:", "", content.words.strip("\n"), ""]
        if content.words_partial:
            lines += [f"({PARTIAL_WORDS})", ""]
    lines += [f"What we ask of you: {content.ask}", ""]
    if content.next_steps:
        lines += ["What happens next:"] + [f"- {what}: {when}" for what, when in content.next_steps] + [""]
    lines += [f"{label}: {value}" for label, value in content.facts] + [""]
    lines.append(f"{content.link_line}: {content.link}")
    if content.reference_id is not None:
        lines.append(f"Reference ID: {content.reference_id} ({REFERENCE_NOTE})")
    lines += ["", SIGNATURE, ""]
    return "\n".join(lines)


HEADING = f"{FONT}font-size:15px;line-height:22px;font-weight:bold;color:#111827;margin:20px 0 8px 0;"


def html_document(content: Content) -> str:
    e = escape
    parts = [
        f'<h1 style="{FONT}font-size:21px;line-height:28px;font-weight:bold;color:#111827;margin:0 0 4px 0;">{e(content.title)}</h1>',
        f'<p style="{MUTED}margin:0 0 20px 0;">{e(content.subtitle)}</p>',
        f'<p style="{TEXT}margin:0 0 12px 0;">{e(content.greeting)}</p>',
        *(f'<p style="{TEXT}margin:0 0 12px 0;">{e(line)}</p>' for line in content.summary.split("\n")),
        *(
            f'<p style="{TEXT}margin:0 0 12px 0;">{e(what)}: '
            f'<a href="{e(address)}" style="color:{BUTTON};text-decoration:underline;word-break:break-all;">{e(address)}</a></p>'
            for what, address in content.related
        ),
    ]
    if content.words is not None:
        parts += [
            f'<p style="{HEADING}">{e(content.words_label or "")}</p>',
            layout_table(
                f'<tr><td style="{TEXT}background-color:#f3f6fa;border-left:4px solid {BUTTON};padding:12px 16px;'
                f'word-break:break-word;">{_lines(content.words.strip(chr(10)))}</td></tr>'
            ),
        ]
        if content.words_partial:
            parts.append(f'<p style="{MUTED}margin:8px 0 0 0;">{e(PARTIAL_WORDS)}</p>')
    parts.append(f'<p style="{TEXT}margin:20px 0 12px 0;"><strong>What we ask of you:</strong> {e(content.ask)}</p>')
    if content.next_steps:
        rows = "".join(
            f'<tr><td style="{TEXT}padding:4px 12px 4px 0;vertical-align:top;">{e(what)}</td>'
            f'<td style="{TEXT}padding:4px 0;vertical-align:top;font-weight:bold;">{e(when)}</td></tr>'
            for what, when in content.next_steps
        )
        parts += [f'<p style="{HEADING}">What happens next</p>', layout_table(rows)]
    parts.append(button(content.link, content.link_label))
    rows = "".join(
        f'<tr><td style="{MUTED}padding:3px 12px 3px 0;vertical-align:top;white-space:nowrap;">{e(label)}</td>'
        f'<td style="{TEXT}padding:3px 0;vertical-align:top;">{e(value)}</td></tr>'
        for label, value in content.facts
    )
    parts.append(layout_table(rows, margin="0 0 20px 0"))
    if content.reference_id is not None:
        parts.append(
            f'<p style="{MUTED}margin:0 0 12px 0;">Reference ID: <strong>{e(content.reference_id)}</strong> ({e(REFERENCE_NOTE)})</p>'
        )
    parts.append(f'<p style="{TEXT}margin:0;">{e(SIGNATURE)}</p>')
    return document(title=content.subject, preheader=content.preheader, banner=SIGNATURE, body="\n".join(parts))


def _lines(text: str) -> str:
    """Text with its line breaks kept (Outlook ignores white-space: pre-line)."""
    return "<br>\n".join(escape(line) for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
