"""Builds the files domain's collaborators from the environment, once per container."""

from __future__ import annotations

from functions.files.dal.file_repository import FileRepository, file_repository
from functions.files.dal.object_storage import ObjectStorage, object_storage
from functions.files.logic.uploads import OpenUploadLimits
from functions.shared.page_token import page_tokens as page_tokens  # the API's one codec
from functions.shared.settings import files_settings


def store() -> FileRepository:
    return file_repository(files_settings().table_name)


def storage() -> ObjectStorage:
    return object_storage(files_settings().files_bucket)


def open_upload_limits() -> OpenUploadLimits:
    settings = files_settings()
    return OpenUploadLimits(per_case=settings.dss_max_open_uploads_per_case, per_account=settings.dss_max_open_uploads_per_account)
