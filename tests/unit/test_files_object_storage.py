"""The S3 adapter with botocore's Stubber (no sockets): every ListParts page, the completion request,
presigned URLs signing the part checksum, and S3's errors mapped to the domain's."""

from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from botocore.stub import Stubber

from functions.files.dal import object_storage as object_storage_module
from functions.files.dal.object_storage import ObjectStorage, attachment
from functions.files.models.errors import ChecksumRejected, ObjectMissing, PartsRejected, UploadGone
from functions.files.models.records import S3Part, UploadRecord
from functions.shared.environment import reset_environment
from functions.shared.errors import ServiceUnavailable

BUCKET = "case-files"
KEY = "cases/0000000001/ffff/trace.log"
RECORD = UploadRecord(
    upload_id="u" * 32,
    case_number="0000000001",
    file_id="ffff",
    object_key=KEY,
    s3_upload_id="s3-upload",
    file_name="trace.log",
    size=12,
    content_type="text/plain",
    checksum="AAAAAA==",
    part_size=8 * 2**20,
    part_count=1,
    created_at=datetime(2026, 3, 2, 14, 0, tzinfo=UTC),
    expires_at=datetime(2026, 3, 9, tzinfo=UTC),
    created_by={"user_id": "u-alice", "role": "customer-contacts"},
)


@pytest.fixture
def s3():
    reset_environment()
    client = object_storage_module.s3_client()
    with Stubber(client) as stubber:
        yield stubber
        stubber.assert_no_pending_responses()
    reset_environment()


def listed(numbers, *, truncated: bool, checksums: bool = False) -> dict:
    parts = [
        {"PartNumber": number, "Size": 5, "ETag": f'"e{number}"', **({"ChecksumCRC32": "AAAAAA=="} if checksums else {})}
        for number in numbers
    ]
    return {"Parts": parts, "IsTruncated": truncated, "NextPartNumberMarker": numbers[-1]}


def test_list_parts_reads_every_page(s3):
    base = {"Bucket": BUCKET, "Key": KEY, "UploadId": "s3-upload", "MaxParts": 1000}
    s3.add_response("list_parts", listed(range(1, 1001), truncated=True), {**base, "PartNumberMarker": 0})
    s3.add_response("list_parts", listed([1001, 1002], truncated=False, checksums=True), {**base, "PartNumberMarker": 1000})

    parts = ObjectStorage(BUCKET).list_parts(RECORD)

    assert [part.part_number for part in parts] == list(range(1, 1003))
    assert (parts[0].checksum, parts[-1]) == (None, S3Part(1002, 5, '"e1002"', "AAAAAA=="))


def test_completion_sends_the_full_object_checksum_and_part_checksums_only_when_known(s3):
    parts = [S3Part(1, 8, '"e1"', "AAAAAQ=="), S3Part(2, 4, '"e2"', None)]
    expected = {
        "Bucket": BUCKET,
        "Key": KEY,
        "UploadId": "s3-upload",
        "MultipartUpload": {"Parts": [{"PartNumber": 1, "ETag": '"e1"', "ChecksumCRC32": "AAAAAQ=="}, {"PartNumber": 2, "ETag": '"e2"'}]},
        "ChecksumType": "FULL_OBJECT",
        "ChecksumCRC32": "AAAAAA==",
        "MpuObjectSize": 12,
    }
    s3.add_response("complete_multipart_upload", {}, expected)

    ObjectStorage(BUCKET).complete_multipart(RECORD, parts)


@pytest.mark.parametrize(
    "operation, code, status, raised",
    [
        ("complete_multipart_upload", "BadDigest", 400, ChecksumRejected),
        ("complete_multipart_upload", "InvalidPart", 400, PartsRejected),
        ("complete_multipart_upload", "NoSuchUpload", 404, UploadGone),
        ("complete_multipart_upload", "SlowDown", 503, ServiceUnavailable),
        ("complete_multipart_upload", "InternalError", 500, ServiceUnavailable),
    ],
)
def test_s3_errors_become_domain_errors(s3, operation, code, status, raised):
    s3.add_client_error(operation, service_error_code=code, http_status_code=status, expected_params=None)

    with pytest.raises(raised):
        ObjectStorage(BUCKET).complete_multipart(RECORD, [S3Part(1, 12, '"e1"', None)])


def test_an_upload_s3_forgot_is_gone_and_aborting_it_is_harmless(s3):
    s3.add_client_error("list_parts", service_error_code="NoSuchUpload", http_status_code=404)
    s3.add_client_error("abort_multipart_upload", service_error_code="NoSuchUpload", http_status_code=404)

    with pytest.raises(UploadGone):
        ObjectStorage(BUCKET).list_parts(RECORD)
    ObjectStorage(BUCKET).abort_multipart(RECORD)


def test_the_stored_checksum_is_the_full_object_one(s3):
    params = {"Bucket": BUCKET, "Key": KEY, "ChecksumMode": "ENABLED"}
    s3.add_response("head_object", {"ChecksumCRC32": "AAAAAA==", "ChecksumType": "FULL_OBJECT"}, params)
    s3.add_response("head_object", {"ChecksumCRC32": "AAAAAA==-2", "ChecksumType": "COMPOSITE"}, params)

    assert ObjectStorage(BUCKET).stored_checksum(KEY) == "AAAAAA=="
    assert ObjectStorage(BUCKET).stored_checksum(KEY) is None


def test_no_object_at_the_key_is_object_missing(s3):
    s3.add_client_error("head_object", service_error_code="404", http_status_code=404)

    with pytest.raises(ObjectMissing):
        ObjectStorage(BUCKET).stored_checksum(KEY)


def test_uploads_start_with_full_object_crc32(s3):
    expected = {"Bucket": BUCKET, "Key": KEY, "ContentType": "text/plain", "ChecksumAlgorithm": "CRC32", "ChecksumType": "FULL_OBJECT"}
    s3.add_response("create_multipart_upload", {"UploadId": "s3-upload"}, expected)

    assert ObjectStorage(BUCKET).start_multipart(KEY, "text/plain") == "s3-upload"


def test_part_urls_are_sigv4_with_the_checksum_and_the_exact_length_signed(s3):
    url = ObjectStorage(BUCKET).part_url(RECORD, 3, "AAAAAA==", 8 * 2**20, 900)

    query = parse_qs(urlsplit(url).query)
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
    assert query["X-Amz-SignedHeaders"] == ["content-length;host;x-amz-checksum-crc32"]
    assert (query["partNumber"], query["uploadId"], query["X-Amz-Expires"]) == (["3"], ["s3-upload"], ["900"])
    # Headers the client sends (requests sets Content-Length from the body), not query parameters.
    assert "x-amz-checksum-crc32" not in query and "content-length" not in query


def test_download_urls_name_the_file_as_an_attachment(s3):
    url = ObjectStorage(BUCKET).download_url(KEY, 'naïve "log".txt', 300)

    query = parse_qs(urlsplit(url).query)
    assert query["response-content-disposition"] == [attachment('naïve "log".txt')]
    assert attachment('naïve "log".txt') == "attachment; filename=\"na_ve _log_.txt\"; filename*=UTF-8''na%C3%AFve%20%22log%22.txt"
    assert query["X-Amz-Expires"] == ["300"]
