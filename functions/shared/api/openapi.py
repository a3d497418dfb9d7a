"""The API's one OpenAPI document. Each API Lambda knows only its own routes, so the document of the whole
API is merged offline from every API Lambda's own (`python -m infra.openapi_document`, checked by a test)
and stored next to this module; the Lambda behind /openapi.json and /swagger serves that file. No Lambda
imports another domain to describe it."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver

from functions.shared.environment import per_environment

if TYPE_CHECKING:
    from functions.shared.api.resolver import ApiResolver

API_TITLE = "Dedicated Support Services API"
API_VERSION = "1.0.0"
SWAGGER_PATH = "/swagger"
OPENAPI_PATH = "/openapi.json"
# The routes the API serves without a token (the infrastructure and the local API Gateway read this).
PUBLIC_PATHS = (OPENAPI_PATH, SWAGGER_PATH)
# A plain dict, not Powertools' APIKey model: its OpenAPI models cost ~55 ms of import, and only the
# documentation routes need them.
SECURITY_SCHEMES = {"cognitoIdToken": {"type": "apiKey", "name": "Authorization", "in": "header", "description": "The Cognito ID token."}}
DOCUMENT: dict[str, Any] = {
    "title": API_TITLE,
    "version": API_VERSION,
    "security_schemes": SECURITY_SCHEMES,
    "security": [{"cognitoIdToken": []}],
}
DOCUMENT_FILE = Path(__file__).with_name("openapi.json")


def merged_document(apps: Sequence[ApiResolver]) -> dict[str, Any]:
    """The whole API's document from each Lambda's own (build time only: imports the OpenAPI models)."""
    from aws_lambda_powertools.event_handler.openapi.merge import OpenAPIMerge
    from aws_lambda_powertools.event_handler.openapi.models import OpenAPI

    merge = OpenAPIMerge(on_conflict="error", **DOCUMENT)  # a route documented twice fails
    schemas = [app.own_openapi_schema(**DOCUMENT) for app in apps]
    _refuse_diverging_components(schemas)
    for schema in schemas:
        merge.add_schema(schema)
    document: dict[str, Any] = json.loads(OpenAPI(**merge.get_openapi_schema()).model_dump_json(by_alias=True, exclude_none=True))
    return document


def _refuse_diverging_components(schemas: list[Any]) -> None:
    """OpenAPIMerge keeps the last of two components with one name: two Lambdas' different models of one
    name would silently document one of them wrongly."""
    seen: dict[str, dict[str, Any]] = {}
    for schema in schemas:
        for name, component in ((schema.components and schema.components.schemas) or {}).items():
            described = component.model_dump(by_alias=True, exclude_none=True)
            if seen.setdefault(name, described) != described:
                raise ValueError(f"The API's Lambdas document two different schemas named {name!r}: rename one model.")


@per_environment
def stored_document() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(DOCUMENT_FILE.read_text(encoding="utf-8"))
    return document


def served_document(base_path: str) -> dict[str, Any]:
    """The stored document naming the server the caller reached it through."""
    return {**stored_document(), "servers": [{"url": base_path or "/"}]}


def base_path(app: APIGatewayRestResolver) -> str:
    """`/v1` when the API is called through its stage URL, "" behind a custom domain or locally (the
    rule Powertools' Swagger UI applies, so both documents name the same server)."""
    context = app.current_event.request_context
    return f"/{context.stage}" if context.stage and context.path.startswith(f"/{context.stage}/") else ""


def documented_routes(app: ApiResolver) -> list[tuple[str, str]]:
    """(path template, method) of every route the app documents: its own OpenAPI document is the route
    table the infrastructure (and the local API Gateway) build from, so they cannot drift apart."""
    methods = ("get", "post", "put", "patch", "delete")
    paths = (app.own_openapi_schema().paths or {}).items()
    return [(path, method.upper()) for path, item in paths for method in methods if getattr(item, method)]
