"""Builds the cases domain's collaborators from the environment, once per container."""

from __future__ import annotations

from functools import lru_cache

from functions.cases.dal.case_repository import CaseRepository, case_repository
from functions.shared.page_token import PageTokenCodec
from functions.shared.settings import api_settings, cases_settings


def store() -> CaseRepository:
    return case_repository(cases_settings().table_name)


@lru_cache(maxsize=1)
def page_tokens() -> PageTokenCodec:
    # Fetched on the first paginated listing only, so a cold start does not pay for it.
    from functions.shared.dal.secrets import secret_bytes

    return PageTokenCodec(secret_bytes(api_settings().page_token_secret_arn))
