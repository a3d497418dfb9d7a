"""Upload rules with fakes: who may upload where, part URLs never outliving their upload and signing each
part's exact length, part numbers checked against the upload, an S3 upload aborted whenever its record is
not saved, Idempotency-Key replays, and the caps on unfinished uploads (expired ones stop counting)."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from functions.files.logic.uploads import OpenUploadLimits, new_id, part_urls, start_upload
from functions.files.models.errors import CaseClosed, IdempotencyKeyTaken, OpenUploadsFull, TooManyOpenUploads
from functions.files.models.files import NewUploadRequest, PartUrlsRequest
from functions.files.models.records import UploadRecord
from functions.shared.auth import Caller, Group
from functions.shared.case_state import CaseState
from functions.shared.errors import Conflict, NotFound, ServiceUnavailable, ValidationFailed
from functions.shared.idempotency import IdempotencyRecord
from functions.shared.rate_limit import TooManyChanges

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
MIB = 2**20
ALICE = Caller("u-alice", frozenset({Group.CUSTOMER}), "acme", "c-alice")
CAROL = Caller("u-carol", frozenset({Group.CUSTOMER}), "acme", "c-carol")
GINA = Caller("u-gina", frozenset({Group.CUSTOMER}), "globex", "c-gina")
ERIN = Caller("u-erin", frozenset({Group.ENGINEER}))
LIMITS = OpenUploadLimits(per_case=20, per_account=100)


def request(size=20 * MIB, name="trace.log") -> NewUploadRequest:
    return NewUploadRequest.model_validate({"fileName": name, "size": size, "checksum": {"algorithm": "CRC32", "value": "AAAAAA=="}})


class FakeStore:
    """The table as the start sees it: the case, the Idempotency-Key records, and the open uploads counted
    per case and per account (each entry with its expiry), refused under a cap as the transaction is."""

    def __init__(self, status="Open", fail_save: Exception | None = None):
        self.case = CaseState("0000000001", "acme", "c-alice", status, None, None)
        self.fail_save = fail_save
        self.uploads: dict[str, UploadRecord] = {}
        self.records: dict[str, IdempotencyRecord] = {}
        self.open: dict[str, dict[str, datetime]] = {"case": {}, "account": {}}
        self.forgotten: list[str] = []
        self.before_save = None  # runs once just before the transaction, as a concurrent request would

    def get_case_state(self, case_number):
        return self.case if case_number == self.case.case_number else None

    def read_for_start(self, case_number, scope):
        return self.get_case_state(case_number), self.records.get(scope) if scope else None

    def save_upload(self, upload, *, account_id, case_limit, account_limit, idempotency, rate_limited, now):
        if self.before_save:
            run, self.before_save = self.before_save, None
            run()
        if self.fail_save:
            raise self.fail_save
        taken = idempotency and self.records.get(idempotency[0].scope_key)
        if taken and taken.expires_at > now:  # a record past its window may be written over
            raise IdempotencyKeyTaken()
        for scope, limit in (("case", case_limit), ("account", account_limit)):
            if len(self.open[scope]) >= limit:
                raise OpenUploadsFull(scope)
        self.uploads[upload.upload_id] = upload
        for scope in self.open:
            self.open[scope][upload.upload_id] = upload.expires_at
        if idempotency:
            request, answer = idempotency
            self.records[request.scope_key] = IdempotencyRecord(
                request.scope_key, request.request_hash, upload.upload_id, request.expires_at, answer
            )

    def forget_expired_uploads(self, scope, case_number, account_id, now):
        self.forgotten.append(scope)
        expired = [upload_id for upload_id, expires_at in self.open[scope].items() if expires_at <= now]
        for upload_id in expired:
            del self.open[scope][upload_id]
        return len(expired)

    def get_upload(self, case_number, upload_id):
        return self.uploads.get(upload_id)


class FakeStorage:
    def __init__(self):
        self.started: list[str] = []
        self.aborted: list[str] = []
        self.signed: list[tuple[int, str, int, int]] = []

    def start_multipart(self, key, content_type):
        self.started.append(key)
        return f"s3-upload-{len(self.started)}"

    def abort_multipart(self, record):
        self.aborted.append(record.s3_upload_id)

    def part_url(self, record, number, checksum, length, expires_in):
        self.signed.append((number, checksum, length, expires_in))
        return f"https://s3.example/{number}"


def start(caller=ALICE, store=None, storage=None, now=NOW, key=None, upload_request=None, limits=LIMITS):
    return start_upload(
        "0000000001",
        upload_request or request(),
        caller,
        store=store or FakeStore(),
        storage=storage or FakeStorage(),
        now=now,
        limits=limits,
        idempotency_key=key,
    )


def test_an_upload_gets_its_part_layout_and_a_week():
    upload = start().upload
    assert (upload.part_size, upload.part_count) == (8 * MIB, 3)
    assert upload.model_dump(mode="json")["expires_at"] == "2026-03-09T15:00:00.000Z"
    assert upload.created_by.model_dump() == {"user_id": "u-alice", "role": "customer-contacts"}


def test_ids_sort_by_creation_so_listings_come_oldest_first():
    ids = [new_id(NOW + timedelta(milliseconds=step)) for step in (0, 1, 60_000, 10**9)]
    assert ids == sorted(ids)
    assert all(len(value) == 32 and set(value) <= set("0123456789abcdef") for value in ids)
    assert new_id(NOW) != new_id(NOW)  # random within a millisecond


def test_staff_upload_to_any_case_customers_to_their_accounts_only():
    assert start(ERIN).upload.created_by.role == "engineers"
    with pytest.raises(NotFound):
        start(GINA)


def test_closed_cases_refuse_uploads():
    storage = FakeStorage()
    with pytest.raises(CaseClosed):
        start(store=FakeStore(status="Closed"), storage=storage)
    assert storage.started == []


@pytest.mark.parametrize("failure", [ServiceUnavailable("busy"), TooManyChanges(NOW)], ids=["busy", "rate limited"])
def test_an_s3_upload_whose_record_is_not_saved_is_aborted(failure):
    storage = FakeStorage()
    with pytest.raises(type(failure)):
        start(store=FakeStore(fail_save=failure), storage=storage)
    assert storage.aborted == ["s3-upload-1"]


# --- Idempotency-Key ----------------------------------------------------------------------------


def test_the_same_key_and_body_answers_the_first_upload_and_creates_nothing():
    store, storage = FakeStore(), FakeStorage()
    first = start(store=store, storage=storage, key="k-1")

    again = start(store=store, storage=storage, key="k-1", now=NOW + timedelta(hours=23))

    assert (first.replayed, again.replayed) == (False, True)
    assert again.upload == first.upload
    assert (len(storage.started), len(store.uploads)) == (1, 1)


def test_the_same_key_with_another_body_is_refused():
    store, storage = FakeStore(), FakeStorage()
    start(store=store, storage=storage, key="k-1")

    with pytest.raises(Conflict) as refused:
        start(store=store, storage=storage, key="k-1", upload_request=request(name="other.log"))

    assert (refused.value.code, refused.value.field) == ("idempotency_key_reused", "Idempotency-Key")
    assert len(storage.started) == 1


def test_keys_are_the_callers_own_and_last_24_hours():
    store, storage = FakeStore(), FakeStorage()
    first = start(store=store, storage=storage, key="k-1")

    colleague = start(CAROL, store=store, storage=storage, key="k-1")
    next_day = start(store=store, storage=storage, key="k-1", now=NOW + timedelta(hours=24))

    assert not colleague.replayed and not next_day.replayed
    assert len({first.upload.upload_id, colleague.upload.upload_id, next_day.upload.upload_id}) == 3


def test_a_concurrent_request_with_the_same_key_wins_and_this_s3_upload_is_aborted():
    store, storage = FakeStore(), FakeStorage()
    winner: list = []
    store.before_save = lambda: winner.append(start(store=store, storage=storage, key="k-1"))

    answer = start(store=store, storage=storage, key="k-1")

    assert answer.replayed and answer.upload == winner[0].upload
    assert storage.aborted == ["s3-upload-1"]  # this request's S3 upload; the winner's (s3-upload-2) stays
    assert [upload.s3_upload_id for upload in store.uploads.values()] == ["s3-upload-2"]


# --- caps on unfinished uploads -----------------------------------------------------------------


@pytest.mark.parametrize("scope, limits", [("case", OpenUploadLimits(2, 100)), ("account", OpenUploadLimits(20, 2))])
def test_a_full_cap_refuses_and_says_what_to_do(scope, limits):
    store, storage = FakeStore(), FakeStorage()
    start(store=store, storage=storage, limits=limits)
    start(store=store, storage=storage, limits=limits)

    with pytest.raises(TooManyOpenUploads) as refused:
        start(store=store, storage=storage, limits=limits)

    assert refused.value.status == 409 and refused.value.code == "too_many_open_uploads"
    assert "already has 2 unfinished uploads" in refused.value.message
    assert "DELETE /cases/<caseNumber>/uploads/<uploadId>" in refused.value.message
    assert store.forgotten == [scope]
    assert storage.aborted == ["s3-upload-3"] and len(store.uploads) == 2


def test_expired_uploads_stop_counting():
    store, storage, limits = FakeStore(), FakeStorage(), OpenUploadLimits(1, 1)
    start(store=store, storage=storage, limits=limits)

    later = start(store=store, storage=storage, limits=limits, now=NOW + timedelta(days=7))

    assert not later.replayed
    assert store.forgotten == ["case", "account"]
    assert list(store.open["case"]) == list(store.open["account"]) == [later.upload.upload_id]


# --- part URLs ----------------------------------------------------------------------------------


def urls(store, storage, upload_id, numbers, now):
    parts = PartUrlsRequest.model_validate({"parts": [{"partNumber": number, "checksum": "AAAAAA=="} for number in numbers]})
    return part_urls("0000000001", upload_id, parts, ALICE, store=store, storage=storage, now=now)


def test_part_urls_last_15_minutes_but_never_beyond_the_upload():
    store, storage = FakeStore(), FakeStorage()
    upload = start(store=store).upload

    early = urls(store, storage, upload.upload_id, [1, 3], NOW)
    late = urls(store, storage, upload.upload_id, [2], NOW + timedelta(days=7, minutes=-5))

    assert [(number, expires_in) for number, _, _, expires_in in storage.signed] == [(1, 900), (3, 900), (2, 300)]
    assert early.urls[0].model_dump(mode="json")["expires_at"] == "2026-03-02T15:15:00.000Z"
    assert late.urls[0].headers == {"x-amz-checksum-crc32": "AAAAAA=="}


def test_each_part_url_signs_the_parts_exact_length():
    store, storage = FakeStore(), FakeStorage()
    upload = start(store=store, upload_request=request(size=20 * MIB + 5)).upload

    answer = urls(store, storage, upload.upload_id, [3, 1], NOW)

    assert [(number, length) for number, _, length, _ in storage.signed] == [(3, 4 * MIB + 5), (1, 8 * MIB)]
    assert [(url.part_number, url.content_length) for url in answer.urls] == [(3, 4 * MIB + 5), (1, 8 * MIB)]


@pytest.mark.parametrize("numbers, field", [([4], "parts.0.partNumber"), ([1, 2, 1], "parts.2.partNumber")])
def test_part_numbers_must_belong_to_the_upload_once(numbers, field):
    store = FakeStore()
    upload = start(store=store).upload
    with pytest.raises(ValidationFailed) as refused:
        urls(store, FakeStorage(), upload.upload_id, numbers, NOW)
    assert refused.value.field == field


def test_an_expired_upload_takes_no_parts():
    store = FakeStore()
    upload = start(store=store).upload
    store.uploads[upload.upload_id] = replace(store.uploads[upload.upload_id], expires_at=NOW)
    with pytest.raises(NotFound):
        urls(store, FakeStorage(), upload.upload_id, [1], NOW)
