"""What can go wrong, as the person at the terminal reads it: every error the client expects is a CliError,
turned into one line and an exit code in one place, the command line's entry point (dss_cli/main.py)."""

from __future__ import annotations

from typing import Any

import requests


class CliError(Exception):
    """Anything the user should read as one line."""

    exit_code = 1

    def one_line(self) -> str:
        return str(self)


class ConfigError(CliError):
    """A configuration problem: no credentials, an unreadable session or config file."""


class ApiError(CliError):
    """The API answered {"error", "message", "field"} (or something else that is not a success)."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None, body: Any = None):
        super().__init__(message)
        self.status, self.code, self.message, self.field, self.body = status, code, message, field, body

    @classmethod
    def from_response(cls, response: requests.Response) -> ApiError:
        try:
            body = response.json()
        except ValueError:
            body = None
        if isinstance(body, dict) and isinstance(body.get("error"), str):
            return cls(response.status_code, body["error"], str(body.get("message") or body["error"]), body.get("field"), body)
        text = " ".join(response.text.split())[:200] or response.reason or "no body"
        return cls(response.status_code, f"http_{response.status_code}", text, None, body)

    def one_line(self) -> str:
        field = f", field {self.field}" if self.field else ""
        message = self.message.rstrip()
        return f"{message} ({self.code}{field}; HTTP {self.status})"


class NetworkError(CliError):
    pass


class InsecureApiUrl(CliError):
    pass


class Interrupted(CliError):
    """Ctrl-C: the saved state lets the same command resume."""

    exit_code = 130


class FileChanged(CliError):
    pass
