"""The files domain's events on the bus (functions/shared/contracts.py)."""

from __future__ import annotations

from datetime import datetime

from functions.files.models.files import CaseFile
from functions.shared.auth import Caller
from functions.shared.contracts import Actor, CaseFileAdded, FileChecksum
from functions.shared.domain_event import DomainEvent


def file_added(file: CaseFile, account_id: str, actor: Caller, occurred_at: datetime) -> DomainEvent:
    added = CaseFileAdded(
        event_key=f"{file.case_number}#{file.file_id}#{CaseFileAdded.detail_type}",
        case_number=file.case_number,
        account_id=account_id,
        file_id=file.file_id,
        file_name=file.file_name,
        size=file.size,
        checksum=FileChecksum(algorithm=file.checksum.algorithm, value=file.checksum.value),
        actor=Actor.of(actor),
        occurred_at=occurred_at,
    )
    return added.domain_event()
