"""What every domain's emails are built with (the notifications', the reports'): HTML for mail clients, whose
layout is tables (Outlook for Windows renders with Word: no flexbox, no grid, few CSS properties), and header
values that stay on one line."""

from __future__ import annotations

import html


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
