"""What every domain API Lambda shares: the resolver, error mapping, the body cap, OpenAPI and Swagger."""


import importlib
import json
from http import HTTPStatus
from typing import Annotated

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestUnsupportedContentType, RequestValidationError
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.event_handler.router import Router
from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError

from functions.shared.auth import Caller, caller_from_claims
from functions.shared.errors import DomainError, ErrorResponse, PayloadTooLarge, ServiceUnavailable
from functions.shared.observability import logger

API_TITLE = "Dedicated Support Services API"
API_VERSION = "1.0.0"
MAX_BODY_BYTES = 256 * 1024
SWAGGER_PATH = "/swagger"
OPENAPI_PATH = "/openapi.json"
# The routes the API serves without a token (the infrastructure and the local API Gateway read this).
PUBLIC_PATHS = (OPENAPI_PATH, SWAGGER_PATH)
# A plain dict, not Powertools' APIKey model: its OpenAPI models cost ~55 ms of import, and only the
# documentation routes need them.
SECURITY_SCHEMES = {"cognitoIdToken": {"type": "apiKey", "name": "Authorization", "in": "header", "description": "The Cognito ID token."}}
DOCUMENT = {"title": API_TITLE, "version": API_VERSION, "security_schemes": SECURITY_SCHEMES, "security": [{"cognitoIdToken": []}]}

_ERROR_DESCRIPTIONS = {
    400: "Bad request: malformed JSON or a parameter that does not fit.",
    401: "Missing or invalid token.",
    403: "Not allowed for your role.",
    404: "No such resource among yours.",
    409: "Conflicts with the resource's state or an earlier request.",
    412: "The resource changed since the ETag in If-Match; reload and retry.",
    413: "Body larger than 256 KB.",
    415: "The body is not JSON.",
    429: "Too many requests; slow down and retry.",
    422: "A field is missing or invalid; `field` names it.",
    500: "Something failed on our side; retry, quoting the request id.",
    503: "A dependency is busy; retry.",
}


# Every listing's paging parameters. Pages stay far below Lambda's 6 MB answer: every text is capped, and
# the listings of long texts (updates) also end a page at about 1 MiB of JSON.
PageLimit = Annotated[int, Query(ge=1, le=100, description="Page size, 1 to 100.")]
NextToken = Annotated[
    str | None, Query(alias="nextToken", max_length=4096, description="From the previous page; it works only for you and this listing.")
]


def error_responses(*codes: int) -> dict[int, dict]:
    """OpenAPI entries for the listed error statuses, all with the one error model."""
    return {
        code: {"description": _ERROR_DESCRIPTIONS[code], "content": {"application/json": {"model": ErrorResponse}}}
        for code in sorted({400, 401, 413, 422, 429, 500, 503, *codes})
    }


def ok_response(model: type, description: str, status: int = 200) -> dict[int, dict]:
    return {status: {"description": description, "content": {"application/json": {"model": model}}}}


def model_response(model: BaseModel, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """A route's JSON answer: the model as the contract spells it (camelCase, ISO dates)."""
    return Response(
        status_code=status,
        content_type=content_types.APPLICATION_JSON,
        body=model.model_dump(mode="json", by_alias=True),
        headers=headers,
    )


def error_json(status: HTTPStatus | int, error: ErrorResponse, headers: dict[str, str] | None = None) -> Response:
    return Response(
        status_code=int(status),
        content_type=content_types.APPLICATION_JSON,
        body=error.model_dump_json(exclude_none=True),
        headers=headers,
    )


def current_caller(router: Router | APIGatewayRestResolver) -> Caller:
    return caller_from_claims(router.current_event.request_context.authorizer.claims)


def _json_or_none(text: str | None) -> object:
    try:
        return json.loads(text) if text else None
    except ValueError:
        return None


def _field_path(location: list, body: object) -> str | None:
    """The field as the caller named it: drops pydantic's union-tag steps (e.g. `Support`) that are
    not keys of what was sent, and the leading `body`/`query`/`path`/`header`."""
    parts, current = [], body
    for index, part in enumerate(location[1:], start=1):
        is_last = index == len(location) - 1
        if isinstance(current, dict) and part not in current and not is_last:
            continue
        parts.append(str(part))
        current = current.get(part) if isinstance(current, dict) else None
    return ".".join(parts) or None


def _describe_validation_errors(errors: list[dict], body: object) -> tuple[str, str, str | None]:
    first = errors[0]
    kind = first.get("type", "")
    if kind == "json_invalid":
        return "malformed_json", "The body is not valid JSON; send a JSON object.", None
    field = _field_path(list(first.get("loc", ())), body)
    if kind.startswith("union_tag"):
        # A discriminated union: the tag field is the last alias pydantic names, e.g. "'case_type' | 'caseType'".
        field = first.get("ctx", {}).get("discriminator", "").split("|")[-1].strip(" '") or field
        detail = "missing or not one of the accepted values (see the schema in /openapi.json)"
    elif kind == "extra_forbidden":
        detail = "unknown field; remove it"
    elif kind == "missing":
        detail = "required"
    elif kind == "value_error":  # our validators' ValueError: its message without pydantic's "Value error, "
        detail = str(first.get("ctx", {}).get("error") or first.get("msg") or "invalid")
    else:
        detail = first.get("msg") or kind.replace("_", " ")
    more = f" ({len(errors) - 1} more problem(s))" if len(errors) > 1 else ""
    return "validation_error", f"{field or 'request'}: {detail}{more}.", field


def refuse_unknown_query_parameters(app: APIGatewayRestResolver, next_middleware: NextMiddleware) -> Response:
    """A misspelt parameter (`?veiw=my-open`) must not silently fall back to a default. Documented
    routes only: the documentation routes take Swagger UI's own parameters (`?format=json`)."""
    route = app.context["_route"]
    if not route.include_in_schema or route not in _routes(app):  # documentation, or no route: 404 or 405 first
        return next_middleware(app)
    declared = {param.alias for param in route.dependant.query_params}
    unknown = sorted(set(app.current_event.query_string_parameters or {}) - declared)
    if unknown:
        allowed = ", ".join(sorted(declared)) or "none"
        return error_json(
            HTTPStatus.BAD_REQUEST,
            ErrorResponse(
                error="unknown_parameter", message=f"Unknown query parameter {unknown[0]!r}; allowed: {allowed}.", field=unknown[0]
            ),
        )
    return next_middleware(app)


def _routes(app: APIGatewayRestResolver) -> list:
    """The resolver's route table (Powertools keeps it in these two lists; not found means neither holds one)."""
    return app._static_routes + app._dynamic_routes


def allowed_methods(app: APIGatewayRestResolver, path: str) -> list[str]:
    """The methods the app serves on `path` (empty when it serves none there)."""
    return sorted({route.method for route in _routes(app) if route.rule.match(path)})


def _base_path(app: APIGatewayRestResolver) -> str:
    """`/v1` when the API is called through its stage URL, "" behind a custom domain or locally (the
    rule Powertools' Swagger UI applies, so both documents name the same server)."""
    context = app.current_event.request_context
    return f"/{context.stage}" if context.stage and context.path.startswith(f"/{context.stage}/") else ""


class ApiResolver(APIGatewayRestResolver):
    """A resolver whose OpenAPI document (served at /openapi.json and in Swagger UI) describes the whole
    API, not just its own Lambda: the routes of the other Lambdas behind the same API Gateway
    (`documents_also`: modules with an `app`, imported only when the document is generated) are merged
    in with Powertools' OpenAPIMerge. `own_openapi_schema` stays this Lambda's alone (its route table)."""

    def __init__(self, documents_also: tuple[str, ...] = ()):
        super().__init__(enable_validation=True)
        self.documents_also = documents_also

    def own_openapi_schema(self, **kwargs):
        return super().get_openapi_schema(**kwargs)

    def get_openapi_schema(self, **kwargs):
        own = self.own_openapi_schema(**kwargs)
        if not self.documents_also:
            return own
        from aws_lambda_powertools.event_handler.openapi.merge import OpenAPIMerge
        from aws_lambda_powertools.event_handler.openapi.models import OpenAPI

        document = {name: value for name, value in kwargs.items() if value is not None}
        merge = OpenAPIMerge(on_conflict="error", **document)  # a route documented twice fails
        schemas = [own, *(importlib.import_module(module).app.own_openapi_schema(**kwargs) for module in self.documents_also)]
        _refuse_diverging_components(schemas)
        for schema in schemas:
            merge.add_schema(schema)
        return OpenAPI(**merge.get_openapi_schema())


def _refuse_diverging_components(schemas: list) -> None:
    """OpenAPIMerge keeps the last of two components with one name: two Lambdas' different models of one
    name would silently document one of them wrongly."""
    seen: dict[str, dict] = {}
    for schema in schemas:
        for name, component in ((schema.components and schema.components.schemas) or {}).items():
            described = component.model_dump(by_alias=True, exclude_none=True)
            if seen.setdefault(name, described) != described:
                raise ValueError(f"The API's Lambdas document two different schemas named {name!r}: rename one model.")


def create_api(*routers: Router, documents_also: tuple[str, ...] = ()) -> ApiResolver:
    app = ApiResolver(documents_also)
    app.use(middlewares=[refuse_unknown_query_parameters])
    for router in routers:
        app.include_router(router)

    @app.exception_handler(DomainError)
    def handle_domain_error(error: DomainError) -> Response:
        if isinstance(error, ServiceUnavailable):
            logger.warning("dependency unavailable", extra={"reason": error.message})
        return error_json(error.status, error.to_response(), error.headers())

    @app.exception_handler(RequestValidationError)
    def handle_validation_error(error: RequestValidationError) -> Response:
        code, message, field = _describe_validation_errors(list(error.errors()), _json_or_none(app.current_event.body))
        status = HTTPStatus.BAD_REQUEST if code == "malformed_json" else HTTPStatus.UNPROCESSABLE_ENTITY
        return error_json(status, ErrorResponse(error=code, message=message, field=field))

    @app.exception_handler(RequestUnsupportedContentType)
    def handle_unsupported_content_type(_: RequestUnsupportedContentType) -> Response:
        return error_json(
            HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
            ErrorResponse(error="unsupported_media_type", message="Send the body as JSON with Content-Type: application/json."),
        )

    @app.exception_handler(ValueError)
    def handle_unparseable(error: ValueError) -> Response:
        if isinstance(error, PydanticValidationError):  # our own data or response failed its model: a bug, not the caller's
            return handle_unexpected(error)
        # Powertools raises a bare ValueError for bodies it cannot parse (e.g. multipart without boundary).
        logger.info("unparseable request", extra={"reason": str(error)})
        return error_json(HTTPStatus.BAD_REQUEST, ErrorResponse(error="bad_request", message="Send the body as application/json."))

    @app.exception_handler(RecursionError)
    def handle_deep_nesting(_: RecursionError) -> Response:
        return error_json(
            HTTPStatus.BAD_REQUEST, ErrorResponse(error="malformed_json", message="The JSON is nested too deeply; send a flat JSON object.")
        )

    @app.not_found
    def handle_not_found(_: Exception) -> Response:
        method, allowed = app.current_event.http_method.upper(), allowed_methods(app, app.context.get("_path", app.current_event.path))
        if allowed:  # a path we serve, another method (API Gateway's ANY method on the resource brings it here)
            return error_json(
                HTTPStatus.METHOD_NOT_ALLOWED,
                ErrorResponse(
                    error="method_not_allowed",
                    message=f"{method} is not served here; this resource serves {', '.join(allowed)} (see /openapi.json).",
                ),
                {"Allow": ", ".join(allowed)},
            )
        return error_json(HTTPStatus.NOT_FOUND, ErrorResponse(error="not_found", message="No such route; see /openapi.json."))

    @app.exception_handler(Exception)
    def handle_unexpected(error: Exception) -> Response:
        logger.exception("unhandled error")
        return error_json(
            HTTPStatus.INTERNAL_SERVER_ERROR,
            ErrorResponse(error="internal_error", message="Something failed on our side; retry, and quote the request id to support."),
        )

    @app.get(OPENAPI_PATH, include_in_schema=False)
    def openapi_document():
        return Response(
            status_code=200,
            content_type=content_types.APPLICATION_JSON,
            body=app.get_openapi_json_schema(servers=[{"url": _base_path(app) or "/"}], **DOCUMENT),
        )

    return app


def documented_routes(app: ApiResolver) -> list[tuple[str, str]]:
    """(path template, method) of every route the app documents: its own OpenAPI document is the route
    table the infrastructure (and the local API Gateway) build from, so they cannot drift apart."""
    methods = ("get", "post", "put", "patch", "delete")
    paths = app.own_openapi_schema().paths.items()
    return [(path, method.upper()) for path, item in paths for method in methods if getattr(item, method)]


def oversized_body(event: dict) -> dict | None:
    """The 256 KB cap, checked before anything parses the body; answers with a proxy response."""
    body = event.get("body") or ""
    size = len(body) * 3 // 4 if event.get("isBase64Encoded") else len(body.encode())
    if size <= MAX_BODY_BYTES:
        return None
    error = PayloadTooLarge(f"The body is {size} bytes; the limit is {MAX_BODY_BYTES} bytes. Attach large content as a file.")
    return {
        "statusCode": int(error.status),
        "headers": {"Content-Type": content_types.APPLICATION_JSON},
        "body": error.to_response().model_dump_json(exclude_none=True),
        "isBase64Encoded": False,
    }


_apps_serving_swagger: set[int] = set()


def resolve(app: APIGatewayRestResolver, event: dict, context) -> dict:
    if event.get("path") == SWAGGER_PATH and id(app) not in _apps_serving_swagger:
        # Registered on first use: enable_swagger imports the OpenAPI models (~55 ms) that no other route needs.
        _apps_serving_swagger.add(id(app))
        app.enable_swagger(path=SWAGGER_PATH, **DOCUMENT)
    return oversized_body(event) or app.resolve(event, context)
