"""Upload rules with fakes: who may upload where, part URLs never outliving their upload, part numbers
checked against the upload, and an S3 upload aborted when its record cannot be saved."""

from datetime import UTC, datetime, timedelta

import pytest

from functions.files.logic.uploads import part_urls, start_upload
from functions.files.models.errors import CaseClosed
from functions.files.models.files import NewUploadRequest, PartUrlsRequest
from functions.files.models.records import UploadRecord
from functions.shared.auth import Caller, Group
from functions.shared.case_state import CaseState
from functions.shared.errors import NotFound, ServiceUnavailable, ValidationFailed

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
ALICE = Caller("u-alice", frozenset({Group.CUSTOMER}), "acme", "c-alice")
GINA = Caller("u-gina", frozenset({Group.CUSTOMER}), "globex", "c-gina")
ERIN = Caller("u-erin", frozenset({Group.ENGINEER}))
REQUEST = NewUploadRequest.model_validate(
    {"fileName": "trace.log", "size": 20 * 2**20, "checksum": {"algorithm": "CRC32", "value": "AAAAAA=="}}
)


class FakeStore:
    def __init__(self, status="Open", fail_save=False):
        self.case = CaseState("0000000001", "acme", "c-alice", status, None, None)
        self.fail_save = fail_save
        self.uploads: dict[str, UploadRecord] = {}

    def get_case_state(self, case_number):
        return self.case if case_number == self.case.case_number else None

    def save_upload(self, record):
        if self.fail_save:
            raise ServiceUnavailable("busy")
        self.uploads[record.upload_id] = record

    def get_upload(self, case_number, upload_id):
        return self.uploads.get(upload_id)


class FakeStorage:
    def __init__(self):
        self.aborted: list[str] = []
        self.signed: list[tuple[int, str, int]] = []

    def start_multipart(self, key, content_type):
        return "s3-upload"

    def abort_multipart(self, record):
        self.aborted.append(record.s3_upload_id)

    def part_url(self, record, number, checksum, expires_in):
        self.signed.append((number, checksum, expires_in))
        return f"https://s3.example/{number}"


def start(caller=ALICE, store=None, storage=None, now=NOW):
    return start_upload("0000000001", REQUEST, caller, store=store or FakeStore(), storage=storage or FakeStorage(), now=now)


def test_an_upload_gets_its_part_layout_and_a_week():
    upload = start()
    assert (upload.part_size, upload.part_count) == (8 * 2**20, 3)
    assert upload.expires_at == "2026-03-09T15:00:00.000Z"
    assert upload.created_by.model_dump() == {"user_id": "u-alice", "role": "customer-contacts"}


def test_staff_upload_to_any_case_customers_to_their_accounts_only():
    assert start(ERIN).created_by.role == "engineers"
    with pytest.raises(NotFound):
        start(GINA)


def test_closed_cases_refuse_uploads():
    with pytest.raises(CaseClosed):
        start(store=FakeStore(status="Closed"))


def test_an_s3_upload_whose_record_is_not_saved_is_aborted():
    storage = FakeStorage()
    with pytest.raises(ServiceUnavailable):
        start(store=FakeStore(fail_save=True), storage=storage)
    assert storage.aborted == ["s3-upload"]


def urls(store, storage, upload_id, numbers, now):
    request = PartUrlsRequest.model_validate({"parts": [{"partNumber": number, "checksum": "AAAAAA=="} for number in numbers]})
    return part_urls("0000000001", upload_id, request, ALICE, store=store, storage=storage, now=now)


def test_part_urls_last_15_minutes_but_never_beyond_the_upload():
    store, storage = FakeStore(), FakeStorage()
    upload = start(store=store)

    early = urls(store, storage, upload.upload_id, [1, 3], NOW)
    late = urls(store, storage, upload.upload_id, [2], NOW + timedelta(days=7, minutes=-5))

    assert storage.signed == [(1, "AAAAAA==", 900), (3, "AAAAAA==", 900), (2, "AAAAAA==", 300)]
    assert early.urls[0].expires_at == "2026-03-02T15:15:00.000Z"
    assert late.urls[0].headers == {"x-amz-checksum-crc32": "AAAAAA=="}


@pytest.mark.parametrize("numbers, field", [([4], "parts.0.partNumber"), ([1, 2, 1], "parts.2.partNumber")])
def test_part_numbers_must_belong_to_the_upload_once(numbers, field):
    store = FakeStore()
    upload = start(store=store)
    with pytest.raises(ValidationFailed) as refused:
        urls(store, FakeStorage(), upload.upload_id, numbers, NOW)
    assert refused.value.field == field
