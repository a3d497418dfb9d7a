"""Builds the cases domain's collaborators from the environment, once per container."""

from __future__ import annotations

from functions.cases.dal.case_repository import CaseRepository, case_repository
from functions.shared.page_token import page_tokens as page_tokens  # the API's one codec
from functions.shared.settings import cases_settings


def store() -> CaseRepository:
    return case_repository(cases_settings().table_name)

