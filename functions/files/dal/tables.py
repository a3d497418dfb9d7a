"""The files domain's items in the single support table: one partition per case, `FILES#<caseNumber>`,
holding its uploads in progress (`UPLOAD#<uploadId>`, gone by TTL 7 days after the start), its files
(`FILE#<fileId>`) and its open uploads (`OPEN_UPLOADS`), and one item per account,
`FILES#ACCOUNT#<accountId>` / `OPEN_UPLOADS`. Besides these the Lambda writes the shared Idempotency-Key
records (`IDEMPOTENCY#`) and rate counters (`RATE#`), and its events as outbox items under FILES#; its IAM
policy allows writes on those keys only (dynamodb:LeadingKeys)."""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import MapAttribute, NumberAttribute, TTLAttribute, UnicodeAttribute, UnicodeSetAttribute
from pynamodb.connection import Connection
from pynamodb.models import Model

from functions.shared.dal.attributes import TimestampAttribute
from functions.shared.dal.case_view import CASE_VIEW_MODELS
from functions.shared.dal.idempotency import IDEMPOTENCY_MODELS
from functions.shared.dal.outbox import OUTBOX_MODELS
from functions.shared.dal.rate_limit import RATE_MODELS
from functions.shared.dal.table import TableMeta, bind_models

FILES_PREFIX, UPLOAD_PREFIX, FILE_PREFIX = "FILES#", "UPLOAD#", "FILE#"
ACCOUNT_PARTITION = f"{FILES_PREFIX}ACCOUNT#"  # never a case's partition: case numbers are digits
OPEN_UPLOADS = "OPEN_UPLOADS"


class FilesTableItem(Model):
    """The key every item shares. Never queried itself: pynamodb would hand its connection to the subclasses."""

    class Meta(TableMeta):
        pass

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)


class UploadItem(FilesTableItem):
    class Meta(TableMeta):
        pass

    upload_id = UnicodeAttribute()
    case_number = UnicodeAttribute()
    file_id = UnicodeAttribute()
    object_key = UnicodeAttribute()
    s3_upload_id = UnicodeAttribute()  # what the purge job aborts with the object key
    file_name = UnicodeAttribute()
    size = NumberAttribute()
    content_type = UnicodeAttribute()
    checksum = UnicodeAttribute()  # base64 CRC32 of the whole file, as the client declared it
    part_size = NumberAttribute()
    part_count = NumberAttribute()
    created_at = TimestampAttribute()
    created_by: MapAttribute[str, Any] = MapAttribute()
    completed_at = TimestampAttribute(null=True)  # uploads completed before completing deleted them kept it
    # The table's one TTL attribute (functions/cases/dal/tables.py IdempotencyItem.expires_at has the same name).
    expires_at = TTLAttribute()


class FileItem(FilesTableItem):
    class Meta(TableMeta):
        pass

    file_id = UnicodeAttribute()
    case_number = UnicodeAttribute()
    upload_id = UnicodeAttribute()
    object_key = UnicodeAttribute()
    file_name = UnicodeAttribute()
    size = NumberAttribute()
    content_type = UnicodeAttribute()
    checksum = UnicodeAttribute()  # base64 CRC32, verified against the stored object
    uploaded_by: MapAttribute[str, Any] = MapAttribute()
    uploaded_at = TimestampAttribute()


class OpenUploadsItem(FilesTableItem):
    """The unfinished uploads of a case (in its partition) or of an account, as `<uploadId>@<expiry, epoch
    seconds>`: a start adds its upload under a size() condition, in the upload's own transaction, so a cap
    holds exactly under concurrency; completing or aborting takes it out in that change's transaction.

    An upload that is neither (its client gave up) must not count forever, and nothing reliably tells us when
    it expires (DynamoDB's TTL deletes its item days late, and only the daily purge sees S3 abort it): so each
    entry carries its expiry, and when a cap refuses a start, the entries past their expiry are taken out and
    the start is tried again. A full item is the only time this costs a read."""

    class Meta(TableMeta):
        pass

    uploads = UnicodeSetAttribute(null=True)  # DynamoDB holds no empty set: absent when there are none


FILES_MODELS: tuple[type[Model], ...] = (UploadItem, FileItem, OpenUploadsItem)


def bind_files_tables(table_name: str) -> Connection:
    return bind_models(table_name, (*FILES_MODELS, *CASE_VIEW_MODELS, *OUTBOX_MODELS, *IDEMPOTENCY_MODELS, *RATE_MODELS))


def files_key(case_number: str) -> str:
    return f"{FILES_PREFIX}{case_number}"


def case_open_uploads_key(case_number: str) -> tuple[str, str]:
    return files_key(case_number), OPEN_UPLOADS


def account_open_uploads_key(account_id: str) -> tuple[str, str]:
    return f"{ACCOUNT_PARTITION}{account_id}", OPEN_UPLOADS
