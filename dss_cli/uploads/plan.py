"""Planning one file's upload: what became of its saved upload (continue it, it was completed already, or
start one), and which parts S3 still needs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from dss_cli.api import ApiClient
from dss_cli.checksums import PartRange, to_b64
from dss_cli.errors import ApiError
from dss_cli.uploads.state import load_state


@dataclass(frozen=True)
class Saved:
    """What became of the saved upload of a file: one to continue, one completed already, or none (start one)."""

    upload: dict | None = None
    held: dict[int, dict] = field(default_factory=dict)  # part number -> the part S3 holds
    start_key: str | None = None  # the Idempotency-Key of a start whose answer was not saved
    case_file: dict | None = None  # completed already: the recorded file
    upload_id: str = ""
    part_count: int = 0


def held_parts(upload: dict) -> dict[int, dict]:
    """The parts S3 holds, by part number, as the API lists them."""
    return {int(p["partNumber"]): p for p in upload.get("parts") or []}


def missing_parts(parts: list[PartRange], held: dict[int, dict], checksums: dict[int, int]) -> list[PartRange]:
    """Parts S3 does not hold with exactly the local size and checksum.

    S3 lists each part's CRC32 (the upload has a checksum algorithm); an S3 that lists none (moto) gets
    the part trusted by its size: S3 took it only because it matched the checksum signed into its URL,
    which came from this file, whose whole CRC is unchanged (checked before resuming) and is checked
    again by the API at completion."""

    def good(part: PartRange) -> bool:
        stored = held.get(part.number)
        if stored is None or stored.get("size") != part.length:
            return False
        return stored.get("checksum") in (None, to_b64(checksums[part.number]))

    return [part for part in parts if not good(part)]


def resuming_message(upload_id: str, name: str, parts: list[PartRange], missing: list[PartRange], held: dict[int, dict]) -> str:
    sending = {p.number for p in missing}
    unlisted = sum(1 for p in parts if p.number not in sending and held[p.number].get("checksum") is None)
    checked = f" ({unlisted} by size: S3 listed no part checksums)" if unlisted else ""
    return (
        f"Resuming upload {upload_id} of {name}: {len(parts) - len(missing)} of {len(parts)} parts already stored{checked}, "
        f"sending {len(missing)}"
    )


class Resume:
    """Looks at the saved state of a file's upload and at what the API says of it."""

    def __init__(self, client: ApiClient, log: Callable[[str], None]):
        self.client, self.log = client, log

    def saved(self, case_number: str, saved_at: Path, checksum: str) -> Saved:
        state = load_state(saved_at)
        if state is None:
            return Saved()
        upload_id = state.get("uploadId")
        if not upload_id:  # started (or about to) when the last run stopped: start again with the same key
            return Saved(start_key=state["idempotencyKey"] if state.get("checksum") == checksum else None)
        try:
            upload = self.client.get_upload(case_number, upload_id)
        except ApiError as error:
            if error.status != 404:
                raise
            case_file = self._completed_already(case_number, upload_id, checksum)
            saved_at.unlink(missing_ok=True)
            if case_file is None:
                self.log(f"The interrupted upload {upload_id} is gone (aborted or expired): starting over")
                return Saved()
            self.log(f"Upload {upload_id} was completed already (its answer was lost): it is file {case_file.get('fileId')}")
            return Saved(case_file=case_file, upload_id=upload_id, part_count=int(state.get("partCount") or 0))
        if (upload.get("checksum") or {}).get("value") != checksum:  # the size is part of the state's key
            self.log(f"The file changed since upload {upload_id} started: aborting it and starting over")
            try:
                self.client.abort_upload(case_number, upload_id)
            except ApiError as error:
                if error.status != 404:
                    raise
            saved_at.unlink(missing_ok=True)
            return Saved()
        return Saved(upload, held_parts(upload))

    def _completed_already(self, case_number: str, upload_id: str, checksum: str) -> dict | None:
        """The file an upload the API no longer lists became, if its completion went through but its answer was
        lost (a retried completion answers with the same file); None if it is not a file of this file's bytes."""
        try:
            case_file = self.client.complete_upload(case_number, upload_id)
        except ApiError as error:
            if error.status in (404, 409, 422):  # aborted, expired, incomplete or discarded: not a file
                return None
            raise  # anything else (the API down, the login expired): keep the state, run the same command again
        if (case_file.get("checksum") or {}).get("value") != checksum:
            return None
        return case_file
