"""One OpenAPI document for several Lambdas (functions/shared/api.py ApiResolver): two models of one name
that differ must fail loudly, not document one of them wrongly."""

import pytest
from aws_lambda_powertools.event_handler.router import Router
from pydantic import BaseModel

from functions.shared.api import DOCUMENT, create_api


def thing_router(model: type[BaseModel], path: str) -> Router:
    router = Router()

    @router.get(path)
    def read() -> model:  # type: ignore[valid-type]  (the annotation is evaluated: no __future__ import here)
        return model()

    return router


class Thing(BaseModel):
    name: str = "a"


app = create_api(thing_router(Thing, "/things"))  # "another Lambda" of the API, documented by the one below


def test_two_lambdas_documenting_different_models_of_one_name_fail():
    class Thing(BaseModel):  # same name, other fields
        size: int = 1

    first = create_api(thing_router(Thing, "/other-things"), documents_also=(__name__,))
    with pytest.raises(ValueError, match="two different schemas named 'Thing'"):
        first.get_openapi_schema(**DOCUMENT)


def test_the_same_model_documented_by_two_lambdas_merges():
    first = create_api(thing_router(Thing, "/more-things"), documents_also=(__name__,))
    document = first.get_openapi_schema(**DOCUMENT)
    assert {"/things", "/more-things"} <= set(document.paths)
