"""The upload's state on disk, under the config dir: what lets the same command resume a stopped upload.

One JSON file per file upload, named after the file's identity (state_key). It holds the start's
Idempotency-Key before the upload is started, then the upload's id as soon as the API gives it; it is
removed once the upload is completed or cannot be continued.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from dss_cli.api import case_path
from dss_cli.config import write_private_json

STATE_VERSION = 1


def state_key(api: str, case_number: str, path: Path, size: int, mtime_ns: int) -> str:
    """The same file (by absolute path, size and mtime) uploaded to the same case of the same API."""
    identity = "\n".join([api.rstrip("/"), case_path(case_number), str(Path(path).absolute()), str(size), str(mtime_ns)])
    return hashlib.sha256(identity.encode()).hexdigest()[:40]


def state_file(state_dir: Path, key: str) -> Path:
    return state_dir / f"{key}.json"


def load_state(path: Path) -> dict | None:
    try:
        state = json.loads(path.read_text())
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        path.unlink(missing_ok=True)  # a torn or foreign file: start over rather than fail forever
        return None
    if (
        not isinstance(state, dict)
        or state.get("version") != STATE_VERSION
        or not isinstance(state.get("uploadId") or state.get("idempotencyKey"), str)
    ):
        path.unlink(missing_ok=True)
        return None
    return state


def new_idempotency_key() -> str:
    return f"dss-cli-{uuid.uuid4()}"


def save_before_start(saved_at: Path, api: str, path: Path, size: int, mtime_ns: int, checksum: str, key: str | None) -> dict:
    """Written before the start: a run that stops before the start's answer is saved starts again with the same key."""
    state = {"version": STATE_VERSION, "api": api, "path": str(path), "size": size, "mtimeNs": mtime_ns,
             "checksum": checksum, "idempotencyKey": key or new_idempotency_key()}  # fmt: skip
    write_private_json(saved_at, state)
    return state


def save_started(saved_at: Path, state: dict, case_number: str, upload: dict[str, Any]) -> None:
    """Written as soon as the upload exists, before any part is sent."""
    write_private_json(saved_at, {
        **state, "caseNumber": upload.get("caseNumber", case_number), "uploadId": upload["uploadId"],
        "partSize": upload["partSize"], "partCount": upload["partCount"],
        "startedAt": datetime.now(UTC).isoformat(timespec="seconds"),
    })  # fmt: skip
