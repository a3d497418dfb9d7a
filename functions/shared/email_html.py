"""What every domain's emails are built with (the notifications', the reports'): HTML for mail clients, whose
layout is tables (Outlook for Windows renders with Word: no flexbox, no grid, few CSS properties), and header
values that stay on one line; the palette and the page every email's HTML sits in (`document`: the head, the
hidden preheader, the banner and the card), and the link as a button.

Built for mail clients: tables and inline styles only (no <style>, but for an email that asks for it an
Outlook-only one for the Word engine, which does not inherit fonts; no external CSS, no images, so it reads the
same with images off), a `lang`, a
hidden preheader, dark text on light backgrounds (WCAG AA), `role="presentation"` on layout tables. Every value
from outside is HTML-escaped here."""

from __future__ import annotations

import html

# Colours (WCAG AA and better against their backgrounds): body text #1f2937 and muted #4b5563 on white, white on
# the banner's #0b3d6e and the button's #0b5cad.
FONT = "font-family:Arial,Helvetica,sans-serif;"
TEXT = f"{FONT}font-size:15px;line-height:22px;color:#1f2937;"
MUTED = f"{FONT}font-size:13px;line-height:19px;color:#4b5563;"
BUTTON, PAGE, BANNER = "#0b5cad", "#eef1f5", "#0b3d6e"
CARD_PX = 600  # the card's width on a wide screen; it narrows with the screen
BANNER_TEXT = f"background-color:{BANNER};padding:16px 24px;{FONT}font-size:17px;line-height:22px;font-weight:bold;color:#ffffff;"
# The preheader: shown by inboxes after the subject, hidden in the message; the filler keeps the body's first
# words from following it in the preview.
HIDDEN = "display:none;font-size:1px;line-height:1px;max-height:0;max-width:0;opacity:0;overflow:hidden;mso-hide:all;"
PREHEADER_FILL = "&#847;&zwnj;&nbsp;" * 40


def one_line(text: str) -> str:
    """Header values and table cells: a line break from a name or a subject starts no header and no line."""
    return " ".join(text.split())


def escape(value: str) -> str:
    return html.escape(value, quote=True)


def layout_table(rows: str, *, width: str = "100%", margin: str = "0") -> str:
    """A table for layout only (`role="presentation"`: screen readers read its cells as text, not as data)."""
    width_attribute = f' width="{width}"' if width else ""
    return (
        f'<table role="presentation"{width_attribute} cellpadding="0" cellspacing="0" border="0" '
        f'style="border-collapse:collapse;margin:{margin};">{rows}</table>'
    )


def button(link: str, label: str, *, margin: str = "24px 0 8px 0") -> str:
    """The link as a button-like cell, then its address in text (for a client that shows neither)."""
    e = escape
    return (
        layout_table(
            f'<tr><td bgcolor="{BUTTON}" style="background-color:{BUTTON};border-radius:4px;padding:12px 24px;">'
            f'<a href="{e(link)}" style="{FONT}font-size:16px;line-height:20px;font-weight:bold;color:#ffffff;'
            f'text-decoration:none;display:inline-block;">{e(label)}</a></td></tr>',
            width="",
            margin=margin,
        )
        + f'\n<p style="{MUTED}margin:0 0 20px 0;word-break:break-all;">Or copy this address into your browser: '
        f'<a href="{e(link)}" style="color:{BUTTON};text-decoration:underline;">{e(link)}</a></p>'
    )


# Outlook for Windows (the Word engine) does not inherit a table's font: an email whose cells carry no font of their own
# (the case report's data tables) asks for this, which no other client reads.
OUTLOOK_FONTS = "<!--[if mso]><style>td,th,p,div,a{font-family:Arial,Helvetica,sans-serif;}</style><![endif]-->\n"


def document(*, title: str, preheader: str, banner: str, body: str, card_px: int = CARD_PX, outlook_fonts: bool = False) -> str:
    """The whole HTML page of an email: `title` (the subject), the hidden `preheader`, the `banner`'s words (the
    desk's name) above a white card of `card_px` that holds `body` (HTML, escaped by its maker)."""
    e = escape
    outlook = OUTLOOK_FONTS if outlook_fonts else ""
    return f"""<!DOCTYPE html>
<html lang="en" dir="ltr">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<meta name="supported-color-schemes" content="light">
<title>{e(title)}</title>
{outlook}</head>
<body style="margin:0;padding:0;background-color:{PAGE};">
<div style="{HIDDEN}">{e(preheader)}{PREHEADER_FILL}</div>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" bgcolor="{PAGE}" style="background-color:{PAGE};">
<tr><td align="center" style="padding:24px 12px;">
<table role="presentation" width="{card_px}" cellpadding="0" cellspacing="0" border="0" bgcolor="#ffffff" \
style="width:100%;max-width:{card_px}px;background-color:#ffffff;border:1px solid #d1d5db;">
<tr><td bgcolor="{BANNER}" style="{BANNER_TEXT}">{e(banner)}</td></tr>
<tr><td style="padding:24px;{TEXT}">
{body}
</td></tr>
</table>
</td></tr>
</table>
</body>
</html>
"""
