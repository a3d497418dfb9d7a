"""What every command shares: the connection from the global options, the consoles, the common arguments."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from dss_cli.api import ApiClient
from dss_cli.config import Credentials, resolve

# Piped output (no terminal) gets wide tables instead of rich's 80 columns; --json is the format for scripts.
out = Console(soft_wrap=False, width=None if sys.stdout.isatty() else 200)
err = Console(stderr=True)

JsonFlag = Annotated[bool, typer.Option("--json", help="Print the API's JSON answer.")]
CaseNumber = Annotated[str, typer.Argument(help="Case number (42 or 0000000042).", show_default=False, metavar="CASE")]


class Connection:
    """The global options; the API client is made on first use, so --help and usage errors need no login."""

    def __init__(self, api: str | None, token: str | None, session: Path | None, role: str | None):
        self.api, self.token, self.session, self.role = api, token, session, role
        self._client: ApiClient | None = None

    def credentials(self) -> Credentials:
        return resolve(self.api, self.token, self.session, self.role)

    def client(self) -> ApiClient:
        if self._client is None:
            credentials = self.credentials()
            self._client = ApiClient(credentials.api, credentials.token)
        return self._client


def connection_of(ctx: typer.Context) -> Connection:
    return ctx.find_object(Connection) or Connection(None, None, None, None)


def client_of(ctx: typer.Context) -> ApiClient:
    return connection_of(ctx).client()


def note(message: str) -> None:
    """A message for the person at the terminal (stderr; stdout stays the command's output)."""
    typer.echo(message, err=True)


def warn(answer: Any) -> None:
    """The answer's `warnings` (done, but worth knowing: over the recommended maximum, a sign-in not ready), each on
    its own line on stderr, in bold yellow on a terminal: also with --json, whose answer carries them too."""
    warnings = answer.get("warnings") if isinstance(answer, dict) else None
    for warning in warnings or []:
        typer.secho(f"Warning: {warning}", err=True, fg="yellow", bold=True)


def print_json(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
