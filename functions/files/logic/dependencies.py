"""Builds the files domain's collaborators from the environment, once per container."""

from __future__ import annotations

from functions.files.dal.file_repository import FileRepository, file_repository
from functions.files.dal.object_storage import ObjectStorage, object_storage
from functions.shared.settings import files_settings


def store() -> FileRepository:
    return file_repository(files_settings().table_name)


def storage() -> ObjectStorage:
    return object_storage(files_settings().files_bucket)
