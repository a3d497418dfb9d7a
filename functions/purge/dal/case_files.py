"""The case files bucket as the purge job uses it: delete every object under a case's prefix, list the
unfinished multipart uploads and abort one."""

from __future__ import annotations

from collections.abc import Iterator

from botocore.exceptions import BotoCoreError, ClientError

from functions.purge.models.purge import CASE_FILES_ROOT, StorageUnavailable, Upload, case_files_prefix
from functions.shared.dal.aws import client
from functions.shared.observability import logger

DELETE_BATCH = 1000  # DeleteObjects' limit, and ListObjectsV2's page size: one delete per page listed


class CaseFiles:
    def __init__(self, bucket: str):
        self.bucket = bucket

    def delete_case_files(self, case_number: str) -> int:
        """Deletes every object of the case; how many there were (0 when none, e.g. on a rerun)."""
        s3, deleted = client("s3"), 0
        pages = s3.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=case_files_prefix(case_number), PaginationConfig={"PageSize": DELETE_BATCH}
        )
        try:
            for page in pages:
                keys = [{"Key": listed["Key"]} for listed in page.get("Contents", [])]
                if not keys:
                    continue
                result = s3.delete_objects(Bucket=self.bucket, Delete={"Objects": keys, "Quiet": True})
                if errors := result.get("Errors"):
                    logger.error("objects not deleted", extra={"case_number": case_number, "errors": errors[:10]})
                    raise StorageUnavailable(f"{len(errors)} objects of case {case_number} were not deleted.")
                deleted += len(keys)
        except (BotoCoreError, ClientError) as error:
            logger.exception("case files not deleted", extra={"case_number": case_number})
            raise StorageUnavailable(f"The files of case {case_number} could not be deleted.") from error
        return deleted

    def uploads(self) -> Iterator[Upload]:
        """Every unfinished multipart upload of case files, all pages of ListMultipartUploads."""
        pages = client("s3").get_paginator("list_multipart_uploads").paginate(Bucket=self.bucket, Prefix=CASE_FILES_ROOT)
        try:
            for page in pages:
                for upload in page.get("Uploads", []):
                    yield Upload(key=upload["Key"], upload_id=upload["UploadId"], initiated=upload["Initiated"])
        except (BotoCoreError, ClientError) as error:
            logger.exception("uploads not listed")
            raise StorageUnavailable("The unfinished uploads could not be listed.") from error

    def abort_upload(self, upload: Upload) -> bool:
        """False when the upload was already gone (completed or aborted meanwhile)."""
        try:
            client("s3").abort_multipart_upload(Bucket=self.bucket, Key=upload.key, UploadId=upload.upload_id)
        except (BotoCoreError, ClientError) as error:
            if isinstance(error, ClientError) and error.response.get("Error", {}).get("Code") == "NoSuchUpload":
                return False
            logger.exception("upload not aborted", extra={"key": upload.key})
            raise StorageUnavailable(f"The upload of {upload.key} could not be aborted.") from error
        return True
