"""Completion rules with fakes: the parts' CRC32 values combined and checked before S3 assembles
anything, the stored object's CRC32 checked after, retries answered with the same file (its event recorded
once, with the file), a retry after a failure between S3's assembly and the file record finishing the job,
and the upload no longer counted as open once it is completed or discarded."""

import zlib
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from functions.files.logic.checksums import combined_crc32, crc32_combine, to_base64
from functions.files.logic.complete_upload import complete_upload
from functions.files.models.errors import (
    ChecksumMismatch,
    ChecksumRejected,
    ObjectMissing,
    PartSizeMismatch,
    PartsMissing,
    UploadGone,
    UploadNotFound,
)
from functions.files.models.records import S3Part, StoredFile, UploadRecord
from functions.shared.auth import Caller, Group
from functions.shared.case_state import CaseState
from functions.shared.errors import ServiceUnavailable

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
MIB = 2**20
ALICE = Caller("u-alice", frozenset({Group.CUSTOMER}), "acme", "c-alice")
PART_ONE, PART_TWO = b"a" * (8 * MIB), b"b" * 100


def crc(data: bytes) -> str:
    return to_base64(zlib.crc32(data))


def upload(checksum: str | None = None) -> UploadRecord:
    return UploadRecord(
        upload_id="f" * 32,  # the file gets the upload's id
        case_number="0000000001",
        file_id="f" * 32,
        object_key=f"cases/0000000001/{'f' * 32}/trace.log",
        s3_upload_id="s3-upload",
        file_name="trace.log",
        size=len(PART_ONE) + len(PART_TWO),
        content_type="text/plain",
        checksum=checksum or crc(PART_ONE + PART_TWO),
        part_size=8 * MIB,
        part_count=2,
        created_at=datetime(2026, 3, 2, 14, 0, tzinfo=UTC),
        expires_at=NOW + timedelta(days=6),
        created_by={"user_id": "u-alice", "role": "customer-contacts", "contact_id": "c-alice"},
    )


class FakeStore:
    def __init__(self, record: UploadRecord):
        self.uploads = {record.upload_id: record}
        self.files: dict[str, StoredFile] = {}
        self.record_error: Exception | None = None  # raised once, as a busy table does
        self.events: list = []  # recorded with the file, in its transaction (the outbox)
        self.uncounted: list[tuple[str, str]] = []  # (upload id, account) no longer counted as open

    def get_case_state(self, case_number):
        return CaseState(case_number, "acme", "c-alice", "Open", None, None)

    def get_upload(self, case_number, upload_id):
        return self.uploads.get(upload_id)

    def delete_upload(self, record, account_id):
        self.uploads.pop(record.upload_id, None)
        self.uncounted.append((record.upload_id, account_id))

    def record_file(self, record, file, event, *, account_id, now):
        if self.record_error:
            error, self.record_error = self.record_error, None
            raise error
        if record.upload_id not in self.uploads:  # completed (deleted) by another request meanwhile
            return False
        del self.uploads[record.upload_id]
        self.files[file.file_id] = StoredFile(file, record.object_key)
        self.events.append(event)
        self.uncounted.append((record.upload_id, account_id))
        return True

    def get_file(self, case_number, file_id):
        return self.files.get(file_id)


class FakeStorage:
    """S3 as one upload sees it: the multipart upload until it is assembled, then the object."""

    def __init__(self, parts: list[S3Part], stored: str | None, complete_error: Exception | None = None, assembled: bool = False):
        self.parts, self.stored, self.complete_error, self.assembled = parts, stored, complete_error, assembled
        self.calls: list[str] = []
        self.completed_with: list[S3Part] | None = None
        self.head_error: Exception | None = None  # raised once, as a busy S3 does

    def list_parts(self, record):
        self.calls.append("list_parts")
        if self.assembled:
            raise UploadGone()
        return self.parts

    def complete_multipart(self, record, parts):
        self.calls.append("complete")
        if self.complete_error:
            raise self.complete_error
        if self.assembled:
            raise UploadGone()
        self.completed_with, self.assembled = parts, True

    def stored_checksum(self, key):
        self.calls.append("head")
        if self.head_error:
            error, self.head_error = self.head_error, None
            raise error
        if not self.assembled:
            raise ObjectMissing()
        return self.stored

    def abort_multipart(self, record):
        self.calls.append("abort")

    def delete_object(self, key):
        self.calls.append("delete")


def parts(with_checksums: bool, second: bytes = PART_TWO) -> list[S3Part]:
    return [
        S3Part(1, len(PART_ONE), '"e1"', crc(PART_ONE) if with_checksums else None),
        S3Part(2, len(second), '"e2"', crc(second) if with_checksums else None),
    ]


def run(record: UploadRecord, storage: FakeStorage, store: FakeStore | None = None):
    return complete_upload(record.case_number, record.upload_id, ALICE, store=store or FakeStore(record), storage=storage, now=NOW).file


def test_part_checksums_that_do_not_combine_to_the_declared_one_are_refused_before_completing():
    record = upload(checksum=crc(b"something else"))
    store, storage = FakeStore(record), FakeStorage(parts(with_checksums=True), stored=None)

    with pytest.raises(ChecksumMismatch) as refused:
        run(record, storage, store)

    assert storage.calls == ["list_parts", "abort"]
    assert crc(PART_ONE + PART_TWO) in refused.value.message
    assert store.uploads == {}
    assert store.uncounted == [(record.upload_id, "acme")]


def test_matching_part_checksums_go_along_to_s3():
    storage = FakeStorage(parts(with_checksums=True), stored=crc(PART_ONE + PART_TWO))

    file = run(upload(), storage)

    assert storage.completed_with == parts(with_checksums=True)
    assert file.checksum.value == crc(PART_ONE + PART_TWO)


def test_verified_parts_suffice_when_s3_reports_no_stored_checksum():
    storage = FakeStorage(parts(with_checksums=True), stored=None)
    assert run(upload(), storage).size == len(PART_ONE) + len(PART_TWO)


def test_without_any_checksum_from_s3_the_file_is_refused():
    store, storage = FakeStore(upload()), FakeStorage(parts(with_checksums=False), stored=None)

    with pytest.raises(ChecksumMismatch):
        run(upload(), storage, store)

    assert storage.calls == ["list_parts", "complete", "head", "delete"]
    assert store.uploads == {} and store.files == {}


def test_a_stored_checksum_that_differs_deletes_the_object():
    store, storage = FakeStore(upload()), FakeStorage(parts(with_checksums=False), stored=crc(b"bytes S3 got"))

    with pytest.raises(ChecksumMismatch) as refused:
        run(upload(), storage, store)

    assert storage.calls[-1] == "delete"
    assert crc(b"bytes S3 got") in refused.value.message
    assert store.events == [] and store.uncounted == [(upload().upload_id, "acme")]


def test_s3_refusing_the_declared_checksum_discards_the_upload():
    store = FakeStore(upload())
    storage = FakeStorage(parts(with_checksums=False), stored=None, complete_error=ChecksumRejected())

    with pytest.raises(ChecksumMismatch):
        run(upload(), storage, store)

    assert storage.calls == ["list_parts", "complete", "abort"]
    assert store.uploads == {}


def test_missing_and_wrong_size_parts_are_named():
    with pytest.raises(PartsMissing, match=r"Part\(s\) 2 of 2"):
        run(upload(), FakeStorage(parts(with_checksums=False)[:1], stored=None))
    with pytest.raises(PartSizeMismatch, match="Part 2 holds 99 bytes, but must hold 100"):
        run(upload(), FakeStorage(parts(with_checksums=False, second=PART_TWO[:-1]), stored=None))


def test_many_missing_parts_are_summarised():
    record = replace(upload(), size=50 * 8 * MIB, part_count=50)

    with pytest.raises(PartsMissing, match=r"Part\(s\) 1, 2, .*, 20 and 30 more of 50"):
        run(record, FakeStorage([], stored=None))


def test_a_completion_retried_answers_with_the_same_file_and_its_event_was_recorded_once():
    store = FakeStore(upload())
    first = complete_upload(
        "0000000001", upload().upload_id, ALICE, store=store, storage=FakeStorage(parts(False), crc(PART_ONE + PART_TWO)), now=NOW
    )
    storage = FakeStorage([], stored=None)

    again = complete_upload("0000000001", upload().upload_id, ALICE, store=store, storage=storage, now=NOW)

    assert (first.replayed, again.replayed) == (False, True)
    assert again.file == first.file
    assert storage.calls == []
    assert [event.event_key for event in store.events] == [f"0000000001#{'f' * 32}#CaseFileAdded"]
    assert [event.detail["accountId"] for event in store.events] == ["acme"]
    assert store.uncounted == [(upload().upload_id, "acme")]


@pytest.mark.parametrize("assembled", [False, True], ids=["before S3 shows the object", "after"])
def test_an_upload_completed_by_a_concurrent_request_answers_with_its_file(assembled):
    store = FakeStore(upload())
    run(upload(), FakeStorage(parts(with_checksums=False), stored=crc(PART_ONE + PART_TWO)), store)
    racing = FakeStorage(parts(with_checksums=False), stored=crc(PART_ONE + PART_TWO), complete_error=UploadGone(), assembled=assembled)
    pending = upload()

    completed = complete_upload("0000000001", pending.upload_id, ALICE, store=_ReadsPendingFirst(store, pending), storage=racing, now=NOW)

    assert completed.file.file_id == "f" * 32 and completed.replayed


class _ReadsPendingFirst(FakeStore):
    """The store as the racing request saw it: the upload still pending on its first read."""

    def __init__(self, inner: FakeStore, pending: UploadRecord):
        self.uploads, self.files, self.record_error, self._pending = inner.uploads, inner.files, None, pending
        self.events, self.uncounted = inner.events, inner.uncounted

    def get_upload(self, case_number, upload_id):
        pending, self._pending = self._pending, None
        return pending or self.uploads.get(upload_id)


@pytest.mark.parametrize("busy", ["head", "record"])
def test_a_completion_retried_after_s3_assembled_the_object_records_the_file(busy):
    """S3 assembles the object, then HeadObject or the file record fails: S3 no longer knows the
    multipart upload, but the retry finds the object, checks it and records the file."""
    store = FakeStore(upload())
    storage = FakeStorage(parts(with_checksums=False), stored=crc(PART_ONE + PART_TWO))
    if busy == "head":
        storage.head_error = ServiceUnavailable("File storage is busy; retry in a few seconds.")
    else:
        store.record_error = ServiceUnavailable("The file records are busy; retry in a few seconds.")

    with pytest.raises(ServiceUnavailable):
        run(upload(), storage, store)
    assert storage.assembled and store.files == {} and upload().upload_id in store.uploads

    file = run(upload(), storage, store)

    assert storage.calls[-2:] == ["list_parts", "head"]
    assert store.files[file.file_id] == StoredFile(file, upload().object_key)
    assert upload().upload_id not in store.uploads
    assert [event.detail["fileId"] for event in store.events] == [file.file_id]
    assert run(upload(), storage, store) == file  # and from then on the same file


def test_a_retry_that_finds_the_object_with_another_checksum_discards_it():
    store = FakeStore(upload())
    storage = FakeStorage(parts(with_checksums=False), stored=crc(b"bytes S3 got"), assembled=True)

    with pytest.raises(ChecksumMismatch):
        run(upload(), storage, store)

    assert storage.calls == ["list_parts", "head", "delete"]
    assert store.uploads == {} and store.files == {}


def test_an_upload_s3_forgot_without_an_object_is_left_to_the_request_completing_it():
    store = FakeStore(upload())
    storage = FakeStorage(parts(with_checksums=False), stored=None, complete_error=UploadGone())

    with pytest.raises(ServiceUnavailable, match="Another request is completing this upload"):
        run(upload(), storage, store)

    assert storage.calls == ["list_parts", "complete", "head"]
    assert upload().upload_id in store.uploads


def test_expired_uploads_are_gone():
    record = replace(upload(), expires_at=NOW)
    with pytest.raises(UploadNotFound):
        run(record, FakeStorage(parts(with_checksums=False), stored=None))


def test_an_upload_completed_before_completing_deleted_uploads_answers_with_its_file():
    """Upload items completed by earlier code keep `completed_at` (and their file may have another id)."""
    record = replace(upload(), upload_id="u" * 32, completed_at=datetime(2026, 3, 2, 14, 30, tzinfo=UTC))
    store = FakeStore(record)
    file = run(upload(), FakeStorage(parts(with_checksums=False), stored=crc(PART_ONE + PART_TWO)))
    store.files[file.file_id] = StoredFile(file, record.object_key)
    storage = FakeStorage([], stored=None)

    completed = complete_upload("0000000001", record.upload_id, ALICE, store=store, storage=storage, now=NOW)

    assert completed.replayed and completed.file == file and storage.calls == []


def test_an_aborted_upload_is_not_found():
    store = FakeStore(upload())
    del store.uploads[upload().upload_id]

    with pytest.raises(UploadNotFound, match="aborted or expired"):
        run(upload(), FakeStorage([], stored=None), store)


# --- the CRC32 combination (zlib-ng's crc32_combine behind functions/files/logic/checksums.py) ---------


@pytest.mark.parametrize(
    ("length", "expected"),
    [(2**31, 0x85275216), (2**32 + 5, 0x8C856A68), (5 * 2**40, 0x5D7B8FD2)],  # zlib's crc32_combine64 gives the same
)
def test_parts_past_4_gib_combine_with_their_whole_length(length, expected):
    assert crc32_combine(0x3610A686, 0xCBF43926, length) == expected


def test_a_negative_length_is_refused_rather_than_combined():
    with pytest.raises(ValueError, match="len2"):
        crc32_combine(1, 2, -1)


def test_the_parts_of_an_upload_combine_into_the_file_s_crc():
    assert combined_crc32([(zlib.crc32(PART_ONE), len(PART_ONE)), (zlib.crc32(PART_TWO), len(PART_TWO))]) == zlib.crc32(PART_ONE + PART_TWO)
    assert combined_crc32([]) == 0 == zlib.crc32(b"")
