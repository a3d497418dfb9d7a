"""The files domain's events on the bus."""

from __future__ import annotations

from datetime import datetime

from functions.files.models.files import CaseFile
from functions.shared.auth import Caller
from functions.shared.clock import to_iso
from functions.shared.domain_event import DomainEvent

EVENT_SOURCE = "dss.files"
CASE_FILE_ADDED = "CaseFileAdded"


def file_added(file: CaseFile, account_id: str, actor: Caller, occurred_at: datetime) -> DomainEvent:
    return DomainEvent(EVENT_SOURCE, CASE_FILE_ADDED, {
        "eventKey": f"{file.case_number}#{file.file_id}#{CASE_FILE_ADDED}",
        "caseNumber": file.case_number,
        "accountId": account_id,
        "fileId": file.file_id,
        "fileName": file.file_name,
        "size": file.size,
        "checksum": file.checksum.model_dump(),
        "actor": {"userId": actor.user_id, "role": actor.role, "contactId": actor.contact_id},
        "occurredAt": to_iso(occurred_at),
    })  # fmt: skip
