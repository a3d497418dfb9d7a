"""Files on a case through the real files handler against a moto *server*: presigned part URLs exercised
with real HTTP PUTs, resume, integrity checks, refusals, tenant isolation, staff uploads, downloads,
Idempotency-Key replays, the caps on unfinished uploads, paginated listings and each route's AWS calls."""

from __future__ import annotations

import base64
import os
import zlib
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
import requests

from bench.aws_calls import count_aws_calls  # imported at collection: before any client exists
from functions.files.logic.dependencies import dependencies as files_dependencies
from functions.shared.clock import FixedClock, to_iso
from functions.shared.environment import reset_environment
from tests.support.payloads import support_case
from tests.support.server_stack import server_aws

MIB = 2**20
TWO_PARTS = 11 * MIB  # the part size is 8 MiB below 80 GB: 8 MiB + 3 MiB
EMPTY_CRC32 = "AAAAAA=="
PAGE_TOKEN_KEY = ("Secrets Manager", "GetSecretValue")  # read once per container, by the first paginated page


def crc(data: bytes) -> str:
    return base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()


@pytest.fixture(scope="module")
def aws():
    with server_aws() as stack:
        # Starting an upload counts against the caller's changes a minute; this module makes more than the
        # default 60 as one user (test_the_rate_limit_counts_starts checks the limit).
        os.environ["DSS_CHANGES_PER_MINUTE"] = "100000"
        yield stack


@pytest.fixture
def caps(monkeypatch):
    """Sets the caps on unfinished uploads (per case, per account) for one test."""

    def set_caps(per_case: int = 20, per_account: int = 100) -> None:
        monkeypatch.setenv("DSS_MAX_OPEN_UPLOADS_PER_CASE", str(per_case))
        monkeypatch.setenv("DSS_MAX_OPEN_UPLOADS_PER_ACCOUNT", str(per_account))
        reset_environment()

    yield set_caps
    monkeypatch.undo()
    reset_environment()


@pytest.fixture
def case(aws):
    """A new open Support case of Alice's (acme)."""
    return aws.cases("POST", "/cases", body=support_case()).body["caseNumber"]


def start(aws, case, data: bytes, *, user="customer", name="trace.log", checksum: str | None = None, key: str | None = None, **extra):
    body = {"fileName": name, "size": len(data), "checksum": {"algorithm": "CRC32", "value": checksum or crc(data)}, **extra}
    return aws.call("POST", f"/cases/{case}/uploads", user=user, body=body, headers={"Idempotency-Key": key} if key else None)


def parts_of(upload: dict, data: bytes) -> dict[int, bytes]:
    size = upload["partSize"]
    return {number: data[(number - 1) * size : number * size] for number in range(1, upload["partCount"] + 1)}


def urls_for(aws, case, upload: dict, parts: dict[int, bytes], user="customer"):
    body = {"parts": [{"partNumber": number, "checksum": crc(chunk)} for number, chunk in parts.items()]}
    return aws.call("POST", f"/cases/{case}/uploads/{upload['uploadId']}/part-urls", user=user, body=body)


def put_parts(aws, case, upload: dict, parts: dict[int, bytes], user="customer") -> list[int]:
    """PUTs the parts through their presigned URLs, several at once, as a client would; the HTTP statuses."""
    answer = urls_for(aws, case, upload, parts, user)
    assert answer.status == 200, answer
    by_number = {entry["partNumber"]: entry for entry in answer.body["urls"]}

    def put(number: int) -> int:
        entry = by_number[number]
        return requests.put(entry["url"], data=parts[number], headers=entry["headers"], timeout=30).status_code

    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(put, parts))


def complete(aws, case, upload: dict, user="customer", key: str | None = None):
    headers = {"Idempotency-Key": key} if key else None
    return aws.call("POST", f"/cases/{case}/uploads/{upload['uploadId']}/complete", user=user, headers=headers)


def case_uploads(aws, case) -> list[str]:
    """The case's S3 multipart uploads in progress (their S3 ids)."""
    return [entry["UploadId"] for entry in aws.multipart_uploads() if entry["Key"].startswith(f"cases/{case}/")]


def upload_file(aws, case, data: bytes, *, user="customer", name="trace.log") -> dict:
    upload = start(aws, case, data, user=user, name=name).body
    assert set(put_parts(aws, case, upload, parts_of(upload, data), user)) == {200}
    done = complete(aws, case, upload, user)
    assert done.status == 201, done
    return done.body


def downloaded(aws, case, file_id: str, user="customer") -> requests.Response:
    answer = aws.call("GET", f"/cases/{case}/files/{file_id}/download", user=user)
    assert answer.status == 200, answer
    return requests.get(answer.body["url"], timeout=30)


def file_added_events(aws, case) -> list[dict]:
    return [event for event in aws.published_events() if event["detail-type"] == "CaseFileAdded" and event["detail"]["caseNumber"] == case]


def close(aws, case):
    closed = aws.cases("POST", f"/cases/{case}/close", body={"subStatus": "Resolved", "comment": "Fixed."})
    assert closed.status == 200, closed
    return closed.body


# --- the round trip ---------------------------------------------------------------------------


def test_a_multi_part_file_round_trips_through_presigned_urls(aws, case):
    data = os.urandom(TWO_PARTS)
    aws.published_events()

    started = start(aws, case, data, name="ININ trace 2024-05-01.zip", contentType="application/zip")
    upload = started.body
    assert started.status == 201, started
    assert (upload["partSize"], upload["partCount"]) == (8 * MIB, 2)
    assert started.headers["location"] == f"/cases/{case}/uploads/{upload['uploadId']}"
    answer = urls_for(aws, case, upload, parts_of(upload, data))
    for entry in answer.body["urls"]:
        signed = parse_qs(urlsplit(entry["url"]).query)
        assert signed["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
        assert {"x-amz-checksum-crc32", "content-length"} <= set(signed["X-Amz-SignedHeaders"][0].split(";"))
        assert int(signed["X-Amz-Expires"][0]) == 900
        assert entry["method"] == "PUT" and entry["headers"] == {"x-amz-checksum-crc32": crc(parts_of(upload, data)[entry["partNumber"]])}
        assert entry["contentLength"] == len(parts_of(upload, data)[entry["partNumber"]])
    assert put_parts(aws, case, upload, parts_of(upload, data)) == [200, 200]
    done = complete(aws, case, upload)

    assert done.status == 201, done
    file = done.body
    assert (file["fileName"], file["size"], file["contentType"]) == ("ININ trace 2024-05-01.zip", TWO_PARTS, "application/zip")
    assert file["checksum"] == {"algorithm": "CRC32", "value": crc(data)}
    assert file["uploadedBy"] == {"userId": "u-alice", "role": "customer-contacts"}
    listed = aws.call("GET", f"/cases/{case}/files").body
    assert listed == {"items": [file], "purgeAt": None, "filesPurgedAt": None, "nextToken": None}
    assert aws.object_keys(f"cases/{case}/") == [f"cases/{case}/{file['fileId']}/ININ trace 2024-05-01.zip"]
    got = downloaded(aws, case, file["fileId"])
    assert got.content == data and crc(got.content) == file["checksum"]["value"]
    assert got.headers["content-disposition"].startswith('attachment; filename="ININ trace 2024-05-01.zip"')
    (event,) = file_added_events(aws, case)
    assert event["source"] == "dss.files"
    assert event["detail"] == {
        "caseNumber": case,
        "accountId": "acme",
        "fileId": file["fileId"],
        "fileName": file["fileName"],
        "size": TWO_PARTS,
        "checksum": file["checksum"],
        "actor": {"userId": "u-alice", "role": "customer-contacts", "contactId": "c-alice"},
        "occurredAt": file["uploadedAt"],
        "eventKey": f"{case}#{file['fileId']}#CaseFileAdded",
    }
    assert aws.call("GET", f"/cases/{case}/uploads").body == {"items": [], "nextToken": None}
    assert aws.call("GET", f"/cases/{case}/uploads/{upload['uploadId']}").body["error"] == "upload_not_found"


def test_a_retried_completion_answers_with_the_same_file(aws, case):
    data = os.urandom(1000)
    upload = start(aws, case, data).body
    put_parts(aws, case, upload, parts_of(upload, data))
    aws.published_events()

    first, again = complete(aws, case, upload), complete(aws, case, upload)

    assert (first.status, again.status) == (201, 201)
    assert again.body == first.body
    assert len(aws.call("GET", f"/cases/{case}/files").body["items"]) == 1
    events = file_added_events(aws, case)
    assert {event["detail"]["eventKey"] for event in events} == {f"{case}#{first.body['fileId']}#CaseFileAdded"}


def test_a_completion_retried_after_the_file_record_failed_records_the_file(aws, case, monkeypatch):
    """S3 assembled the object, then the table was busy: the retry must not wait for the upload to expire."""
    from functions.files.dal.file_repository import FileRepository
    from functions.shared.errors import ServiceUnavailable

    data = os.urandom(TWO_PARTS)
    upload = start(aws, case, data).body
    put_parts(aws, case, upload, parts_of(upload, data))
    aws.published_events()
    record_file = FileRepository.record_file

    def busy_once(self, *args, **kwargs):
        monkeypatch.setattr(FileRepository, "record_file", record_file)
        raise ServiceUnavailable("The file records are busy; retry in a few seconds.")

    monkeypatch.setattr(FileRepository, "record_file", busy_once)
    failed = complete(aws, case, upload)
    assert failed.status == 503, failed
    assert [entry for entry in aws.multipart_uploads() if entry["Key"].startswith(f"cases/{case}/")] == []  # S3 assembled it
    assert len(aws.object_keys(f"cases/{case}/")) == 1

    retried = complete(aws, case, upload)

    assert retried.status == 201, retried
    assert (retried.body["size"], retried.body["checksum"]["value"]) == (TWO_PARTS, crc(data))
    assert [item["fileId"] for item in aws.call("GET", f"/cases/{case}/files").body["items"]] == [retried.body["fileId"]]
    assert downloaded(aws, case, retried.body["fileId"]).content == data
    assert [event["detail"]["fileId"] for event in file_added_events(aws, case)] == [retried.body["fileId"]]
    assert complete(aws, case, upload).body == retried.body


def test_a_zero_byte_file_is_one_empty_part(aws, case):
    upload = start(aws, case, b"", name="empty.txt").body
    assert (upload["size"], upload["partCount"], upload["checksum"]["value"]) == (0, 1, EMPTY_CRC32)

    assert put_parts(aws, case, upload, {1: b""}) == [200]
    done = complete(aws, case, upload)

    assert done.status == 201, done
    assert downloaded(aws, case, done.body["fileId"]).content == b""


# --- resume and integrity ---------------------------------------------------------------------


def test_an_interrupted_upload_resumes_with_the_missing_parts(aws, case):
    data = os.urandom(TWO_PARTS)
    upload = start(aws, case, data).body
    assert put_parts(aws, case, upload, {1: parts_of(upload, data)[1]}) == [200]
    # The client crashes here and forgets everything but the upload id.

    resumed = aws.call("GET", f"/cases/{case}/uploads/{upload['uploadId']}")

    assert resumed.status == 200, resumed
    assert [(part["partNumber"], part["size"]) for part in resumed.body["parts"]] == [(1, 8 * MIB)]
    assert {key: value for key, value in resumed.body.items() if key != "parts"} == upload
    assert [entry["uploadId"] for entry in aws.call("GET", f"/cases/{case}/uploads").body["items"]] == [upload["uploadId"]]
    assert put_parts(aws, case, upload, {2: parts_of(upload, data)[2]}) == [200]
    done = complete(aws, case, upload)
    assert done.status == 201, done
    assert downloaded(aws, case, done.body["fileId"]).content == data


def test_a_corrupted_part_is_refused_by_storage(aws, case):
    data = os.urandom(TWO_PARTS)
    upload = start(aws, case, data).body
    part = parts_of(upload, data)[1]
    (entry,) = urls_for(aws, case, upload, {1: part}).body["urls"]

    corrupted = requests.put(entry["url"], data=b"\x00" + part[1:], headers=entry["headers"], timeout=30)

    assert corrupted.status_code == 400
    assert "<Code>BadDigest</Code>" in corrupted.text
    assert aws.call("GET", f"/cases/{case}/uploads/{upload['uploadId']}").body["parts"] == []
    assert requests.put(entry["url"], data=part, headers=entry["headers"], timeout=30).status_code == 200


def test_a_wrong_whole_file_checksum_is_refused_at_completion_and_the_upload_discarded(aws, case):
    data = os.urandom(TWO_PARTS)
    upload = start(aws, case, data, checksum=crc(b"another file")).body
    assert put_parts(aws, case, upload, parts_of(upload, data)) == [200, 200]
    aws.published_events()

    refused = complete(aws, case, upload)

    assert refused.status == 422, refused
    assert (refused.body["error"], refused.body["field"]) == ("checksum_mismatch", "checksum")
    assert crc(data) in refused.body["message"]
    assert aws.object_keys(f"cases/{case}/") == []
    assert [entry for entry in aws.multipart_uploads() if entry["Key"].startswith(f"cases/{case}/")] == []
    assert aws.call("GET", f"/cases/{case}/uploads/{upload['uploadId']}").status == 404
    assert aws.call("GET", f"/cases/{case}/files").body["items"] == []
    assert file_added_events(aws, case) == []


def test_completion_names_the_missing_parts(aws, case):
    data = os.urandom(TWO_PARTS)
    upload = start(aws, case, data).body
    put_parts(aws, case, upload, {1: parts_of(upload, data)[1]})

    refused = complete(aws, case, upload)

    assert refused.status == 409, refused
    assert refused.body["error"] == "parts_missing"
    assert "Part(s) 2 of 2 are missing" in refused.body["message"]
    assert aws.call("GET", f"/cases/{case}/uploads/{upload['uploadId']}").status == 200  # still resumable


@pytest.mark.parametrize("change", [lambda part: part[:-1], lambda part: part + b"!"], ids=["shorter", "longer"])
def test_a_part_of_another_length_than_signed_is_refused_by_storage(aws, case, change):
    """The part's exact length is signed into its URL: S3 refuses any other Content-Length (moto checks it
    through local/moto_patches.py, as S3 does)."""
    data = os.urandom(TWO_PARTS)
    upload = start(aws, case, data).body
    part = parts_of(upload, data)[2]
    (entry,) = urls_for(aws, case, upload, {2: part}).body["urls"]
    wrong = change(part)

    refused = requests.put(entry["url"], data=wrong, headers={"x-amz-checksum-crc32": crc(wrong)}, timeout=30)

    assert refused.status_code == 403
    assert "<Code>SignatureDoesNotMatch</Code>" in refused.text
    assert aws.call("GET", f"/cases/{case}/uploads/{upload['uploadId']}").body["parts"] == []
    assert requests.put(entry["url"], data=part, headers=entry["headers"], timeout=30).status_code == 200


def test_completion_refuses_a_part_of_the_wrong_size(aws, case):
    """Should a part of the wrong size land all the same (sent around the part URLs, straight to S3 with the
    role's credentials), completion refuses it."""
    data = os.urandom(TWO_PARTS)
    upload = start(aws, case, data).body
    parts = parts_of(upload, data)
    put_parts(aws, case, upload, {1: parts[1]})
    (s3_upload,) = [entry for entry in aws.multipart_uploads() if entry["Key"].startswith(f"cases/{case}/")]
    boto3.client("s3").upload_part(
        Bucket=aws.resources.files_bucket, Key=s3_upload["Key"], UploadId=s3_upload["UploadId"], PartNumber=2, Body=parts[2][:-1]
    )

    refused = complete(aws, case, upload)

    assert refused.status == 409, refused
    assert refused.body["error"] == "part_size_mismatch"
    assert "Part 2 holds 3145727 bytes, but must hold 3145728" in refused.body["message"]


# --- who may upload, and where ----------------------------------------------------------------


def test_closed_cases_take_no_uploads_but_keep_their_files(aws, case):
    kept = upload_file(aws, case, b"before closing")
    data = os.urandom(1000)
    pending = start(aws, case, data).body
    closed_at = close(aws, case)["closedAt"]

    refusals = [
        start(aws, case, data),
        urls_for(aws, case, pending, {1: data}),
        complete(aws, case, pending),
    ]

    assert [(refusal.status, refusal.body["error"]) for refusal in refusals] == [(409, "case_closed")] * 3
    listed = aws.call("GET", f"/cases/{case}/files").body
    expected_purge = datetime.fromisoformat(closed_at.replace("Z", "+00:00")) + timedelta(days=30)
    assert [item["fileId"] for item in listed["items"]] == [kept["fileId"]]
    assert datetime.fromisoformat(listed["purgeAt"].replace("Z", "+00:00")) == expected_purge
    assert downloaded(aws, case, kept["fileId"]).content == b"before closing"
    assert aws.call("DELETE", f"/cases/{case}/uploads/{pending['uploadId']}").status == 204  # cleaning up is allowed


def test_purged_files_answer_410(aws, case):
    file = upload_file(aws, case, b"old logs")
    close(aws, case)
    purged_at = to_iso(datetime.now(UTC) + timedelta(seconds=1))
    boto3.client("dynamodb").update_item(
        TableName=aws.resources.table_name,
        Key={"pk": {"S": f"CASE#{case}"}, "sk": {"S": "CASE"}},
        UpdateExpression="SET form.files_purged_at = :at",
        ExpressionAttributeValues={":at": {"S": purged_at}},
    )

    answer = aws.call("GET", f"/cases/{case}/files/{file['fileId']}/download")

    assert (answer.status, answer.body["error"]) == (410, "files_purged")
    assert aws.call("GET", f"/cases/{case}/files").body["filesPurgedAt"] == purged_at


def test_engineers_attach_files_for_the_customer(aws, case):
    aws.published_events()
    file = upload_file(aws, case, b"engineer's capture", user="engineer", name="capture.pcap")

    assert file["uploadedBy"] == {"userId": "u-erin", "role": "engineers"}
    assert [item["fileId"] for item in aws.call("GET", f"/cases/{case}/files", user="colleague").body["items"]] == [file["fileId"]]
    assert downloaded(aws, case, file["fileId"]).content == b"engineer's capture"
    (event,) = file_added_events(aws, case)
    assert (event["detail"]["accountId"], event["detail"]["actor"]["role"]) == ("acme", "engineers")


def test_several_uploads_run_at_once_on_one_case(aws, case):
    files = {f"log-{index}.txt": os.urandom(TWO_PARTS if index == 0 else 4000 + index) for index in range(3)}
    uploads = {name: start(aws, case, data, name=name).body for name, data in files.items()}
    assert len(aws.call("GET", f"/cases/{case}/uploads").body["items"]) == 3

    with ThreadPoolExecutor(max_workers=3) as pool:
        statuses = list(pool.map(lambda name: put_parts(aws, case, uploads[name], parts_of(uploads[name], files[name])), files))
    completed = {name: complete(aws, case, uploads[name]) for name in reversed(list(files))}

    assert all(set(codes) == {200} for codes in statuses)
    assert {name: answer.status for name, answer in completed.items()} == dict.fromkeys(files, 201)
    listed = {item["fileName"]: item for item in aws.call("GET", f"/cases/{case}/files").body["items"]}
    assert {name: item["checksum"]["value"] for name, item in listed.items()} == {name: crc(data) for name, data in files.items()}
    assert aws.call("GET", f"/cases/{case}/uploads").body == {"items": [], "nextToken": None}
    for name, data in files.items():
        assert downloaded(aws, case, listed[name]["fileId"]).content == data


def test_aborting_removes_the_parts_and_the_upload(aws, case):
    data = os.urandom(TWO_PARTS)
    upload = start(aws, case, data).body
    put_parts(aws, case, upload, {1: parts_of(upload, data)[1]})

    aborted = aws.call("DELETE", f"/cases/{case}/uploads/{upload['uploadId']}")

    assert aborted.status == 204
    assert [entry for entry in aws.multipart_uploads() if entry["Key"].startswith(f"cases/{case}/")] == []
    for method, suffix in (("GET", ""), ("DELETE", ""), ("POST", "/complete")):
        answer = aws.call(method, f"/cases/{case}/uploads/{upload['uploadId']}{suffix}")
        assert (answer.status, answer.body["error"]) == (404, "upload_not_found")
    assert aws.call("GET", f"/cases/{case}/uploads").body == {"items": [], "nextToken": None}


# --- refusals of bad input --------------------------------------------------------------------


def test_part_url_batches_are_capped_at_100(aws, case):
    upload = start(aws, case, b"x").body
    too_many = {"parts": [{"partNumber": 1, "checksum": EMPTY_CRC32}] * 101}

    answer = aws.call("POST", f"/cases/{case}/uploads/{upload['uploadId']}/part-urls", body=too_many)

    assert (answer.status, answer.body["error"], answer.body["field"]) == (422, "validation_error", "parts")


@pytest.mark.parametrize(
    "parts, field",
    [
        ([{"partNumber": 2, "checksum": EMPTY_CRC32}], "parts.0.partNumber"),
        ([{"partNumber": 1, "checksum": EMPTY_CRC32}, {"partNumber": 1, "checksum": EMPTY_CRC32}], "parts.1.partNumber"),
        ([{"partNumber": 0, "checksum": EMPTY_CRC32}], "parts.0.partNumber"),
        ([{"partNumber": 1, "checksum": "not base64"}], "parts.0.checksum"),
        ([], "parts"),
    ],
)
def test_part_urls_only_for_the_uploads_parts(aws, case, parts, field):
    upload = start(aws, case, b"x").body

    answer = aws.call("POST", f"/cases/{case}/uploads/{upload['uploadId']}/part-urls", body={"parts": parts})

    assert (answer.status, answer.body["field"]) == (422, field), answer


@pytest.mark.parametrize(
    "change, field",
    [
        ({"fileName": "logs/trace.txt"}, "fileName"),
        ({"fileName": "..\\trace.txt"}, "fileName"),
        ({"fileName": "a\nb"}, "fileName"),
        ({"fileName": ".."}, "fileName"),
        ({"fileName": "x" * 256}, "fileName"),
        ({"size": -1}, "size"),
        ({"size": 5 * 2**40 + 1}, "size"),
        ({"size": "12"}, "size"),
        ({"checksum": {"algorithm": "MD5", "value": EMPTY_CRC32}}, "checksum.algorithm"),
        ({"checksum": {"algorithm": "CRC32", "value": "AAAA"}}, "checksum.value"),
        ({"contentType": "not a media type"}, "contentType"),
        ({"uploadId": "mine"}, "uploadId"),
    ],
)
def test_invalid_uploads_are_refused(aws, case, change, field):
    body = {"fileName": "trace.txt", "size": 1, "checksum": {"algorithm": "CRC32", "value": crc(b"x")}, **change}

    answer = aws.call("POST", f"/cases/{case}/uploads", body=body)

    assert (answer.status, answer.body["field"]) == (422, field), answer


def test_unknown_uploads_files_and_cases_answer_404(aws, case):
    unknown = "0" * 32
    answers = {
        "upload": aws.call("GET", f"/cases/{case}/uploads/{unknown}"),
        "file": aws.call("GET", f"/cases/{case}/files/{unknown}/download"),
        "case": aws.call("GET", "/cases/0009999999/files"),
    }
    assert {name: (answer.status, answer.body["error"]) for name, answer in answers.items()} == {
        "upload": (404, "upload_not_found"),
        "file": (404, "file_not_found"),
        "case": (404, "not_found"),
    }


# --- tenant isolation -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def acme_case_with_files(aws):
    """A case of Alice's (acme) with a file and an upload in progress: (case, upload, file)."""
    case = aws.cases("POST", "/cases", body=support_case()).body["caseNumber"]
    file = upload_file(aws, case, b"acme's private logs")
    upload = start(aws, case, b"more").body
    return case, upload, file


FILE_ROUTES = [
    ("POST", "/cases/{case}/uploads", {"fileName": "x.txt", "size": 1, "checksum": {"algorithm": "CRC32", "value": EMPTY_CRC32}}),
    ("POST", "/cases/{case}/uploads/{upload}/part-urls", {"parts": [{"partNumber": 1, "checksum": EMPTY_CRC32}]}),
    ("GET", "/cases/{case}/uploads/{upload}", None),
    ("GET", "/cases/{case}/uploads", None),
    ("POST", "/cases/{case}/uploads/{upload}/complete", None),
    ("DELETE", "/cases/{case}/uploads/{upload}", None),
    ("GET", "/cases/{case}/files", None),
    ("GET", "/cases/{case}/files/{file}/download", None),
]


@pytest.mark.parametrize("method, path, body", FILE_ROUTES)
def test_another_accounts_files_answer_404_and_nothing_changes(aws, acme_case_with_files, method, path, body):
    case, upload, file = acme_case_with_files
    before = (aws.item_count(), aws.object_keys(), [entry["UploadId"] for entry in aws.multipart_uploads()])

    answer = aws.call(method, path.format(case=case, upload=upload["uploadId"], file=file["fileId"]), user="other_customer", body=body)

    assert (answer.status, answer.body["error"]) == (404, "not_found"), answer
    assert "acme" not in str(answer.body) and upload["uploadId"] not in str(answer.body)
    assert (aws.item_count(), aws.object_keys(), [entry["UploadId"] for entry in aws.multipart_uploads()]) == before
    assert aws.call("GET", f"/cases/{case}/uploads/{upload['uploadId']}").status == 200


def test_the_account_and_staff_see_the_files(aws, acme_case_with_files):
    case, _, file = acme_case_with_files
    for user in ("customer", "colleague", "customer_mac", "engineer", "manager"):
        listed = aws.call("GET", f"/cases/{case}/files", user=user)
        assert [item["fileId"] for item in listed.body["items"]] == [file["fileId"]], user


# --- Idempotency-Key ----------------------------------------------------------------------------


def test_a_start_retried_with_its_key_answers_the_same_upload_and_creates_nothing(aws, case):
    data = os.urandom(TWO_PARTS)
    first = start(aws, case, data, key="start-1")
    before = (aws.item_count(), case_uploads(aws, case))

    again = start(aws, case, data, key="start-1")

    assert (first.status, again.status) == (201, 201), again
    assert again.body == first.body and again.headers["location"] == first.headers["location"]
    assert again.headers["idempotent-replayed"] == "true" and "idempotent-replayed" not in first.headers
    assert (aws.item_count(), case_uploads(aws, case)) == before  # no second S3 upload, nothing written
    assert [item["uploadId"] for item in aws.call("GET", f"/cases/{case}/uploads").body["items"]] == [first.body["uploadId"]]


def test_a_key_reused_for_another_upload_is_refused_and_keys_are_the_callers_own(aws, case):
    first = start(aws, case, b"one", key="start-2")
    before = case_uploads(aws, case)

    reused = start(aws, case, b"another file", key="start-2")
    colleague = start(aws, case, b"one", key="start-2", user="colleague")

    assert (reused.status, reused.body["error"], reused.body["field"]) == (409, "idempotency_key_reused", "Idempotency-Key")
    assert colleague.status == 201 and "idempotent-replayed" not in colleague.headers
    assert colleague.body["uploadId"] != first.body["uploadId"]
    assert len(case_uploads(aws, case)) == len(before) + 1


def test_a_concurrent_start_with_the_same_key_aborts_its_s3_upload_and_answers_the_first(aws, case, monkeypatch):
    """Both requests read no record; the first commits; the second's transaction finds the key taken."""
    from functions.files.dal.file_repository import FileRepository

    first = start(aws, case, b"raced", key="start-3")
    read_for_start = FileRepository.read_for_start

    def read_before_the_first_committed(self, case_number, scope):
        monkeypatch.setattr(FileRepository, "read_for_start", read_for_start)
        return read_for_start(self, case_number, None)

    monkeypatch.setattr(FileRepository, "read_for_start", read_before_the_first_committed)
    before = (aws.item_count(), case_uploads(aws, case))

    second = start(aws, case, b"raced", key="start-3")

    assert second.status == 201, second
    assert second.body == first.body and second.headers["idempotent-replayed"] == "true"
    assert (aws.item_count(), case_uploads(aws, case)) == before  # its own S3 upload was aborted


def test_a_completion_accepts_a_key_and_a_retry_says_it_is_a_replay(aws, case):
    data = os.urandom(1000)
    upload = start(aws, case, data).body
    put_parts(aws, case, upload, parts_of(upload, data))

    first, again = complete(aws, case, upload, key="complete-1"), complete(aws, case, upload, key="complete-1")

    assert (first.status, again.status) == (201, 201)
    assert again.body == first.body
    assert "idempotent-replayed" not in first.headers and again.headers["idempotent-replayed"] == "true"


def test_the_rate_limit_counts_starts(aws, case, monkeypatch):
    monkeypatch.setenv("DSS_CHANGES_PER_MINUTE", "1")
    # A minute of its own: the case's creation, at the real time, counts in another one.
    minute = datetime.now(UTC).replace(second=30, microsecond=0) + timedelta(minutes=5)
    monkeypatch.setattr(files_dependencies(), "clock", FixedClock(minute))
    assert start(aws, case, b"first").status == 201
    before = (aws.item_count(), case_uploads(aws, case))

    refused = start(aws, case, b"x")

    assert (refused.status, refused.body["error"]) == (429, "too_many_requests"), refused
    assert 1 <= int(refused.headers["retry-after"]) <= 61
    assert (aws.item_count(), case_uploads(aws, case)) == before  # its S3 upload was aborted


# --- caps on unfinished uploads -----------------------------------------------------------------


def test_a_case_takes_a_limited_number_of_unfinished_uploads(aws, case, caps):
    caps(per_case=2)
    data = os.urandom(1000)
    first, second = start(aws, case, data).body, start(aws, case, b"second").body
    before = (aws.item_count(), case_uploads(aws, case))

    refused = start(aws, case, b"third")

    assert (refused.status, refused.body["error"]) == (409, "too_many_open_uploads"), refused
    assert f"Case {case} already has 2 unfinished uploads" in refused.body["message"]
    assert "complete or abort" in refused.body["message"].lower() and "DELETE" in refused.body["message"]
    assert (aws.item_count(), case_uploads(aws, case)) == before
    # Completing one, or aborting one, makes room.
    put_parts(aws, case, first, parts_of(first, data))
    assert complete(aws, case, first).status == 201
    assert start(aws, case, b"third").status == 201
    assert start(aws, case, b"fourth").status == 409
    assert aws.call("DELETE", f"/cases/{case}/uploads/{second['uploadId']}").status == 204
    assert start(aws, case, b"fourth").status == 201


def test_an_account_takes_a_limited_number_of_unfinished_uploads_across_its_cases(aws, caps):
    caps(per_case=20, per_account=2)
    cases = [aws.cases("POST", "/cases", user="other_customer", body=support_case()).body["caseNumber"] for _ in range(2)]
    first = start(aws, cases[0], b"a", user="other_customer").body
    assert start(aws, cases[1], b"b", user="other_customer").status == 201

    refused = start(aws, cases[0], b"c", user="other_customer")

    assert (refused.status, refused.body["error"]) == (409, "too_many_open_uploads"), refused
    assert f"The account of case {cases[0]} already has 2 unfinished uploads across its cases" in refused.body["message"]
    assert aws.call("DELETE", f"/cases/{cases[0]}/uploads/{first['uploadId']}", user="other_customer").status == 204
    assert start(aws, cases[0], b"c", user="other_customer").status == 201


def test_expired_uploads_stop_counting_and_listing(aws, case, caps, monkeypatch):
    """DynamoDB's TTL deletes an expired upload days late: until then it neither counts nor shows."""
    caps(per_case=1)
    forgotten = start(aws, case, b"the client gave up on this one").body
    week_later = datetime.now(UTC) + timedelta(days=7, minutes=1)
    monkeypatch.setattr(files_dependencies(), "clock", FixedClock(week_later))

    later = start(aws, case, b"a week later")

    assert later.status == 201, later
    assert later.body["uploadId"] > forgotten["uploadId"]
    assert [item["uploadId"] for item in aws.call("GET", f"/cases/{case}/uploads").body["items"]] == [later.body["uploadId"]]


# --- listings, a page at a time -----------------------------------------------------------------


def test_listings_come_a_page_at_a_time_with_tokens_only_their_caller_can_use(aws, case):
    files = [upload_file(aws, case, f"file {index}".encode(), name=f"f{index}.txt") for index in range(3)]
    uploads = [start(aws, case, f"upload {index}".encode(), name=f"u{index}.txt").body for index in range(3)]

    for listing, made, key in (("files", files, "fileId"), ("uploads", uploads, "uploadId")):
        first = aws.call("GET", f"/cases/{case}/{listing}", query={"limit": "2"})
        assert first.status == 200, first
        assert [item[key] for item in first.body["items"]] == [item[key] for item in made[:2]]  # oldest first
        token = first.body["nextToken"]
        second = aws.call("GET", f"/cases/{case}/{listing}", query={"limit": "2", "nextToken": token})
        assert [item[key] for item in second.body["items"]] == [made[2][key]]
        assert second.body["nextToken"] is None

        other_listing = "uploads" if listing == "files" else "files"
        refusals = [
            aws.call("GET", f"/cases/{case}/{listing}", query={"nextToken": token}, user="colleague"),  # another caller
            aws.call("GET", f"/cases/{case}/{other_listing}", query={"nextToken": token}),  # another listing
            aws.call("GET", f"/cases/{case}/{listing}", query={"nextToken": token.split(".")[0] + "." + token.split(".")[1][::-1]}),
        ]
        assert [(answer.status, answer.body["error"]) for answer in refusals] == [(400, "invalid_next_token")] * 3
        for limit in ("0", "101"):
            assert aws.call("GET", f"/cases/{case}/{listing}", query={"limit": limit}).status == 422


def test_a_listing_is_whole_when_followed_to_its_end(aws, case):
    """Completed uploads stay in the table until their TTL: a page may come short of `limit`, never wrong."""
    uploads = [start(aws, case, f"upload {index}".encode(), name=f"u{index}.txt").body for index in range(5)]
    for upload in uploads[1::2]:
        put_parts(aws, case, upload, {1: f"upload {uploads.index(upload)}".encode()})
        assert complete(aws, case, upload).status == 201

    seen, token, pages = [], None, 0
    while True:
        page = aws.call("GET", f"/cases/{case}/uploads", query={"limit": "2", **({"nextToken": token} if token else {})}).body
        seen += [item["uploadId"] for item in page["items"]]
        pages += 1
        if not (token := page["nextToken"]):
            break

    assert seen == [upload["uploadId"] for upload in uploads[0::2]]
    assert pages <= 3


def test_each_route_makes_a_fixed_number_of_aws_calls(aws, case):
    """Counted budgets (docs/benchmarks.md): presigning is local, so part URLs cost only the two reads; a
    start is its reads, the S3 upload and exactly one transaction (the upload, its place under the caps, the
    key's answer, the caller's change count); a completion writes the file, its upload, its event (the
    outbox) in one transaction and never calls PutEvents; a listing page is one Query."""
    data = os.urandom(TWO_PARTS)
    budgets = []

    def counted(operation, call):
        with count_aws_calls() as calls:
            result = call()
        budgets.append((operation, calls - Counter({PAGE_TOKEN_KEY: 1})))
        return result

    upload = counted("start", lambda: start(aws, case, data)).body
    counted("start with a key", lambda: start(aws, case, b"keyed", key="budget-1"))
    counted("start replayed", lambda: start(aws, case, b"keyed", key="budget-1"))
    parts = parts_of(upload, data)
    answer = counted("part urls", lambda: urls_for(aws, case, upload, parts))
    for entry in answer.body["urls"]:
        assert requests.put(entry["url"], data=parts[entry["partNumber"]], headers=entry["headers"], timeout=30).status_code == 200
    counted("resume listing", lambda: aws.call("GET", f"/cases/{case}/uploads/{upload['uploadId']}"))
    listed = counted("list uploads", lambda: aws.call("GET", f"/cases/{case}/uploads", query={"limit": "1"})).body
    counted("next page", lambda: aws.call("GET", f"/cases/{case}/uploads", query={"limit": "1", "nextToken": listed["nextToken"]}))
    keyed = aws.call("GET", f"/cases/{case}/uploads").body["items"][1]
    counted("abort", lambda: aws.call("DELETE", f"/cases/{case}/uploads/{keyed['uploadId']}"))
    done = counted("complete", lambda: complete(aws, case, upload)).body
    counted("list files", lambda: aws.call("GET", f"/cases/{case}/files"))
    counted("download url", lambda: aws.call("GET", f"/cases/{case}/files/{done['fileId']}/download"))

    get, transact_get, query, s3 = ("DynamoDB", "GetItem"), ("DynamoDB", "TransactGetItems"), ("DynamoDB", "Query"), "S3"
    transaction = ("DynamoDB", "TransactWriteItems")
    assert dict(budgets) == {
        "start": Counter({get: 1, (s3, "CreateMultipartUpload"): 1, transaction: 1}),
        "start with a key": Counter({transact_get: 1, (s3, "CreateMultipartUpload"): 1, transaction: 1}),
        "start replayed": Counter({transact_get: 1}),
        "part urls": Counter({get: 2}),
        "resume listing": Counter({get: 2, (s3, "ListParts"): 1}),
        "list uploads": Counter({get: 1, query: 1}),
        "next page": Counter({get: 1, query: 1}),
        "abort": Counter({get: 2, (s3, "AbortMultipartUpload"): 1, transaction: 1}),
        "complete": Counter(
            {
                get: 2,
                (s3, "ListParts"): 1,
                (s3, "CompleteMultipartUpload"): 1,
                (s3, "HeadObject"): 1,
                transaction: 1,
            }
        ),  # fmt: skip
        "list files": Counter({get: 1, query: 1}),
        "download url": Counter({get: 2}),
    }
    assert not any(("EventBridge", "PutEvents") in calls for _, calls in budgets)
