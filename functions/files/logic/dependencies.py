"""The files domain's container: its collaborators, built from the environment on first use and kept for
the execution environment's life (docs/architecture.md, "How to add a domain")."""

from __future__ import annotations

from functools import cached_property

from functions.files.dal.file_repository import FileRepository
from functions.files.dal.object_storage import ObjectStorage
from functions.files.logic.uploads import OpenUploadLimits
from functions.shared.clock import Clock, SystemClock
from functions.shared.environment import per_environment
from functions.shared.page_token import PageTokenCodec, page_tokens
from functions.shared.settings import files_settings


class FilesDependencies:
    def __init__(self) -> None:
        self.clock: Clock = SystemClock()

    @cached_property
    def store(self) -> FileRepository:
        return FileRepository(files_settings().table_name)

    @cached_property
    def storage(self) -> ObjectStorage:
        return ObjectStorage(files_settings().files_bucket)

    @property
    def open_upload_limits(self) -> OpenUploadLimits:
        settings = files_settings()
        return OpenUploadLimits(per_case=settings.dss_max_open_uploads_per_case, per_account=settings.dss_max_open_uploads_per_account)

    def page_tokens(self) -> PageTokenCodec:
        """Called only when a listing has a next page or is given a token: its key is a secret read."""
        return page_tokens()


@per_environment
def dependencies() -> FilesDependencies:
    return FilesDependencies()
