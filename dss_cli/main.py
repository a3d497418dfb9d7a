"""The `dss` command line: cases and their files, and the directory's accounts and contacts, on the Dedicated
Support Services desk.

This module puts the command groups (dss_cli/commands) together under the global options, and is the
one place where an error becomes what the user reads: DssGroup.invoke runs every command, so API,
network and configuration errors (CliError) become one line on stderr and their exit code here, and
commands do not wrap them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from dss_cli import __version__
from dss_cli.commands import login
from dss_cli.commands.accounts import accounts_app
from dss_cli.commands.alerts import alerts_app
from dss_cli.commands.cases import cases_app
from dss_cli.commands.common import Connection
from dss_cli.commands.contacts import contacts_app
from dss_cli.commands.files import files_app
from dss_cli.commands.reports import reports_app
from dss_cli.commands.updates import updates_app
from dss_cli.errors import CliError


def fail(message: str, code: int = 1) -> typer.Exit:
    typer.echo(f"Error: {message}", err=True)  # one plain line (rich would wrap and interpret brackets)
    return typer.Exit(code)


class DssGroup(TyperGroup):
    """The root command: every subcommand runs inside its invoke."""

    def invoke(self, ctx: Any) -> Any:  # Any: typer types it with its vendored click's Context (typer._click, private)
        try:
            return super().invoke(ctx)
        except CliError as error:
            raise fail(error.one_line(), error.exit_code) from None
        except KeyboardInterrupt:
            raise fail("interrupted", 130) from None


app = typer.Typer(
    cls=DssGroup,
    name="dss",
    help="The Dedicated Support Services case desk from the command line: cases, files attached to them, accounts and contacts, "
    "monitoring alerts, case reports, platform updates.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # a traceback must never print the token
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.command()(login.login)
app.command()(login.logout)
app.command()(login.whoami)
app.add_typer(cases_app, name="cases")
app.add_typer(files_app, name="files")
app.add_typer(accounts_app, name="accounts")
app.add_typer(contacts_app, name="contacts")
app.add_typer(alerts_app, name="alerts")
app.add_typer(reports_app, name="reports")
app.add_typer(updates_app, name="updates")


def version_callback(value: bool) -> None:
    if value:
        typer.echo(f"dss {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    ctx: typer.Context,
    api: Annotated[
        str | None, typer.Option("--api", envvar="DSS_API", help="API URL (overrides login and session).", show_envvar=True)
    ] = None,
    token: Annotated[
        str | None, typer.Option("--token", envvar="DSS_TOKEN", help="ID token (overrides login and session).", show_envvar=True)
    ] = None,
    session: Annotated[
        Path | None, typer.Option("--session", help="Session file of the local stack.", show_default=".local/session.json", metavar="FILE")
    ] = None,
    role: Annotated[
        str | None, typer.Option("--as", help="Role whose token to take from the session file.", show_default="customer", metavar="ROLE")
    ] = None,
    version: Annotated[bool, typer.Option("--version", callback=version_callback, is_eager=True, help="Print the version.")] = False,
) -> None:
    """Credentials: `dss login`, or the local stack's session file (`make run`), or --api/--token."""
    ctx.obj = Connection(api, token, session, role)
