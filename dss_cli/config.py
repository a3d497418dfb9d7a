"""Where the API and the token come from, and where the client keeps its state.

Precedence, for the API URL and the token each: --api/--token, then DSS_API/DSS_TOKEN (typer reads
both), then the session file when --session or --as is given, then `dss login`'s saved config (its ID token
renewed first when it expires within 15 minutes: dss_cli/signin.py), then the local stack's
`.local/session.json` (role `customer` unless --as says otherwise).
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import typer

from dss_cli.errors import ConfigError

APP_NAME = "dss"
DEFAULT_SESSION_FILE = Path(".local/session.json")
DEFAULT_ROLE = "customer"


def config_dir() -> Path:
    """typer's per-user application directory; DSS_CONFIG_DIR moves it (tests, several identities)."""
    return Path(os.environ.get("DSS_CONFIG_DIR") or typer.get_app_dir(APP_NAME))


def config_file() -> Path:
    return config_dir() / "config.json"


def uploads_dir() -> Path:
    return config_dir() / "uploads"


def write_private_json(path: Path, data: dict) -> None:
    """Atomically, readable by the user only (it may hold a token)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, partial = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    try:
        with os.fdopen(fd, "w") as out:
            json.dump(data, out, indent=2)
            out.write("\n")
        os.chmod(partial, 0o600)
        os.replace(partial, path)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise


def save_login(api: str, token: str) -> Path:
    """`dss login --token`: a token of the user's own, used until it expires (no refresh)."""
    path = config_file()
    write_private_json(path, {"api": normalize_api(api), "token": token})
    return path


def saved_login() -> dict | None:
    """What `dss login` saved, or None when nothing is."""
    path = config_file()
    return _read_json(path, "config file") if path.exists() else None


def forget_login() -> bool:
    try:
        config_file().unlink()
        return True
    except FileNotFoundError:
        return False


def normalize_api(api: str) -> str:
    api = api.strip()
    if not api.startswith(("http://", "https://")):
        raise ConfigError(f"the API URL must start with http:// or https://: {api!r}")
    return api.rstrip("/")


@dataclass(frozen=True)
class Credentials:
    api: str
    token: str
    source: str  # for messages: where they came from


def _read_json(path: Path, what: str) -> dict:
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        raise ConfigError(f"{what} {path} does not exist") from None
    except (OSError, ValueError) as error:
        raise ConfigError(f"cannot read {what} {path}: {error}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{what} {path} is not a JSON object")
    return data


def from_session(path: Path, role: str) -> tuple[str | None, str | None]:
    session = _read_json(path, "session file")
    tokens = session.get("tokens") or {}
    if role not in tokens:
        known = ", ".join(sorted(tokens)) or "none"
        raise ConfigError(f"session file {path} has no token for role {role!r} (it has: {known})")
    return session.get("api"), tokens[role]


def resolve(api: str | None, token: str | None, session: Path | None, role: str | None) -> Credentials:
    """--api/--token (or DSS_API/DSS_TOKEN, already folded in by typer) win; the rest fills what is missing."""
    source = "--api/--token or DSS_API/DSS_TOKEN"
    if not (api and token):
        found_api, found_token = None, None
        if session is not None or role is not None:
            path = session or DEFAULT_SESSION_FILE
            found_api, found_token = from_session(path, role or DEFAULT_ROLE)
            source = f"session file {path} (role {role or DEFAULT_ROLE})"
        elif config_file().exists():
            saved = _read_json(config_file(), "config file")
            if not token and saved.get("refreshToken"):  # signed in with `dss login --email`: renewed when near expiry
                from dss_cli.signin import fresh_login

                saved = fresh_login(saved, note=lambda message: typer.echo(message, err=True))
            found_api, found_token = saved.get("api"), saved.get("token")
            source = f"login saved in {config_file()}"
        elif DEFAULT_SESSION_FILE.exists():
            found_api, found_token = from_session(DEFAULT_SESSION_FILE, DEFAULT_ROLE)
            source = f"session file {DEFAULT_SESSION_FILE} (role {DEFAULT_ROLE})"
        api, token = api or found_api, token or found_token
    if not api or not token:
        missing = "API URL" if not api else "token"
        raise ConfigError(
            f"no {missing}: run `dss login --api URL --email EMAIL` (or `dss login --api URL --token TOKEN`), start the "
            f"local stack (`make run`, which writes {DEFAULT_SESSION_FILE}), or pass --api/--token (DSS_API/DSS_TOKEN)"
        )
    return Credentials(normalize_api(api), token.strip(), source)
