"""One OpenAPI document for several Lambdas (functions/shared/api/openapi.py): merged offline from each
API Lambda's own routes, stored, served as is; two models of one name that differ fail loudly."""

import pytest
from aws_lambda_powertools.event_handler.router import Router
from pydantic import BaseModel

from functions.shared.api.openapi import DOCUMENT_FILE, merged_document
from functions.shared.api.resolver import create_api
from infra.openapi_document import document_text


def thing_router(model: type[BaseModel], path: str) -> Router:
    router = Router()

    @router.get(path)
    def read() -> model:  # type: ignore[valid-type]  (the annotation is evaluated: no __future__ import here)
        return model()

    return router


class Thing(BaseModel):
    name: str = "a"


def test_two_lambdas_documenting_different_models_of_one_name_fail():
    class Thing(BaseModel):  # same name, other fields
        size: int = 1

    with pytest.raises(ValueError, match="two different schemas named 'Thing'"):
        merged_document([create_api(thing_router(Thing, "/other-things")), create_api(thing_router(globals()["Thing"], "/things"))])


def test_the_same_model_documented_by_two_lambdas_merges():
    document = merged_document([create_api(thing_router(Thing, "/things")), create_api(thing_router(Thing, "/more-things"))])
    assert {"/things", "/more-things"} <= set(document["paths"])
    assert set(document["components"]["schemas"]) >= {"Thing"}


def test_the_stored_document_is_the_routes_of_every_api_lambda():
    """Fails when a route or model changed without `make openapi`."""
    assert DOCUMENT_FILE.read_text(encoding="utf-8") == document_text(), "run make openapi"
