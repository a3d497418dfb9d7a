"""`dss login`, `dss logout`, `dss whoami`: the saved credentials (top-level commands, registered by dss_cli/main.py)."""

from __future__ import annotations

from typing import Annotated

import typer

from dss_cli.api import ApiClient, refuse_token_over_plain_http
from dss_cli.commands.common import connection_of, note
from dss_cli.config import config_file, forget_login, save_login
from dss_cli.errors import ApiError


def login(
    api: Annotated[str, typer.Option("--api", help="The API URL, e.g. the stack's ApiUrl output.", prompt="API URL")],
    token: Annotated[str, typer.Option("--token", help="Your ID token.", prompt="Token", hide_input=True)],
    verify: Annotated[bool, typer.Option(help="Check the token with one request before saving it.")] = True,
) -> None:
    """Save an API URL and token in your config directory (used when no other credentials are given)."""
    refuse_token_over_plain_http(api.strip())
    if verify:
        with ApiClient(api.rstrip("/"), token.strip()) as client:
            try:
                client.list_cases(limit=1)
            except ApiError as error:
                if error.status in (401, 403):
                    raise
    path = save_login(api, token.strip())
    note(f"Saved to {path}")


def logout() -> None:
    """Forget the saved API URL and token."""
    note(f"Removed {config_file()}" if forget_login() else "Nothing saved.")


def whoami(ctx: typer.Context) -> None:
    """Which API and credentials the next command will use."""
    credentials = connection_of(ctx).credentials()
    masked = credentials.token[:6] + "…" if len(credentials.token) > 10 else "…"
    typer.echo(f"API    {credentials.api}\nToken  {masked}\nFrom   {credentials.source}")
