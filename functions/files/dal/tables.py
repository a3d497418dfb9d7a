"""The files domain's items in the single support table: one partition per case, `FILES#<caseNumber>`,
holding its uploads in progress (`UPLOAD#<uploadId>`, gone by TTL 7 days after the start) and its files
(`FILE#<fileId>`). The Lambda's IAM policy allows writes on FILES# keys only (dynamodb:LeadingKeys)."""

from __future__ import annotations

from pynamodb.attributes import MapAttribute, NumberAttribute, TTLAttribute, UnicodeAttribute
from pynamodb.connection import Connection
from pynamodb.models import Model

from functions.shared.dal.case_view import CASE_VIEW_MODELS
from functions.shared.dal.outbox import OUTBOX_MODELS
from functions.shared.dal.table import TableMeta, bind_models

FILES_PREFIX, UPLOAD_PREFIX, FILE_PREFIX = "FILES#", "UPLOAD#", "FILE#"


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
    created_at = UnicodeAttribute()
    created_by = MapAttribute()
    completed_at = UnicodeAttribute(null=True)
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
    uploaded_by = MapAttribute()
    uploaded_at = UnicodeAttribute()


FILES_MODELS: tuple[type[Model], ...] = (UploadItem, FileItem)


def bind_files_tables(table_name: str) -> Connection:
    return bind_models(table_name, (*FILES_MODELS, *CASE_VIEW_MODELS, *OUTBOX_MODELS))


def files_key(case_number: str) -> str:
    return f"{FILES_PREFIX}{case_number}"
