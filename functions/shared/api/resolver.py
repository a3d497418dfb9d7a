"""The resolver every API Lambda builds with `create_api` and invokes with `resolve`."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types
from aws_lambda_powertools.event_handler.router import Router
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.shared.api.error_mapping import register_error_handlers
from functions.shared.api.middleware import check_caller, refuse_unknown_query_parameters
from functions.shared.api.openapi import DOCUMENT, OPENAPI_PATH, SWAGGER_PATH, base_path, served_document, stored_document
from functions.shared.api.requests import CALLER_CONTEXT, oversized_body


class ApiResolver(APIGatewayRestResolver):
    """A resolver whose Swagger UI shows the whole API's stored document (functions/shared/api/openapi.py);
    `own_openapi_schema` is this Lambda's routes alone, which the stored document is merged from."""

    def __init__(self) -> None:
        super().__init__(enable_validation=True)

    def own_openapi_schema(self, **kwargs: Any) -> Any:
        return super().get_openapi_schema(**kwargs)

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        from aws_lambda_powertools.event_handler.openapi.models import OpenAPI

        servers = [server.model_dump(exclude_none=True) for server in kwargs.get("servers") or []]
        return OpenAPI.model_validate({**stored_document(), **({"servers": servers} if servers else {})})


def create_api(*routers: Router) -> ApiResolver:
    app = ApiResolver()
    app.use(middlewares=[refuse_unknown_query_parameters])
    for router in routers:
        app.include_router(router)
    register_error_handlers(app)

    @app.get(OPENAPI_PATH, include_in_schema=False)
    def openapi_document() -> Response[dict[str, Any]]:
        return Response(status_code=200, content_type=content_types.APPLICATION_JSON, body=served_document(base_path(app)))

    return app


_apps_serving_swagger: set[int] = set()


def resolve(app: APIGatewayRestResolver, event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    if event.get("path") == SWAGGER_PATH and id(app) not in _apps_serving_swagger:
        # Registered on first use: enable_swagger imports the OpenAPI models (~55 ms) that no other route needs.
        _apps_serving_swagger.add(id(app))
        app.enable_swagger(path=SWAGGER_PATH, **DOCUMENT)
    refused = oversized_body(event) or check_caller(app, event)
    if refused:
        return refused
    try:
        return app.resolve(event, context)
    finally:
        app.context.pop(CALLER_CONTEXT, None)  # the resolver clears its context too, unless it failed before
