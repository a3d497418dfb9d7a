"""Builds the files domain's collaborators from the environment, once per container."""

from __future__ import annotations

from functools import lru_cache

from functions.files.dal.file_repository import FileRepository, file_repository
from functions.files.dal.object_storage import ObjectStorage, object_storage
from functions.files.logic.uploads import OpenUploadLimits
from functions.shared.page_token import PageTokenCodec
from functions.shared.settings import api_settings, files_settings


def store() -> FileRepository:
    return file_repository(files_settings().table_name)


def storage() -> ObjectStorage:
    return object_storage(files_settings().files_bucket)


def open_upload_limits() -> OpenUploadLimits:
    settings = files_settings()
    return OpenUploadLimits(per_case=settings.dss_max_open_uploads_per_case, per_account=settings.dss_max_open_uploads_per_account)


@lru_cache(maxsize=1)
def page_tokens() -> PageTokenCodec:
    # Fetched when a listing first has a next page (or is given a token), so a cold start does not pay for it.
    from functions.shared.dal.secrets import secret_bytes

    return PageTokenCodec(secret_bytes(api_settings().page_token_secret_arn))
