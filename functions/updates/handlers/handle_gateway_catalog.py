"""The gateways' GA catalogs: every signed-in user reads them; staff keep them."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Path
from aws_lambda_powertools.event_handler.router import Router

from functions.shared.api.requests import current_caller
from functions.shared.api.responses import error_responses, ok_response
from functions.updates.handlers.http import IfMatch, expected_versions, versioned
from functions.updates.logic import platforms
from functions.updates.logic.dependencies import dependencies
from functions.updates.models.platforms import GATEWAY_TYPE_PATTERN, CatalogRequest, GatewayCatalog, GatewayCatalogList

router = Router()
TAGS = ["Platform updates"]
PATH = platforms.CATALOG_PATH
GatewayTypePath = Annotated[
    str, Path(alias="gatewayType", pattern=GATEWAY_TYPE_PATTERN, description="e.g. `interaction-gateway`, `audiocodes`.")
]


@router.get(
    PATH,
    summary="Every gateway type's GA catalog",
    responses={**ok_response(GatewayCatalogList, "The catalogs, by type."), **error_responses(403)},
    tags=TAGS,
)
def get_catalogs() -> GatewayCatalogList:
    current_caller(router)
    return platforms.list_catalogs(store=dependencies().platforms)


@router.get(
    f"{PATH}/<gatewayType>",
    summary="A gateway type's GA catalog",
    description="Its Service Updates (or firmware updates) in release order; the last is the current GA.",
    responses={**ok_response(GatewayCatalog, "The catalog; ETag is its version."), **error_responses(403, 404)},
    tags=TAGS,
)
def get_catalog(gateway_type: GatewayTypePath) -> Response[GatewayCatalog]:
    current_caller(router)
    catalog = platforms.get_catalog(gateway_type, store=dependencies().platforms)
    return versioned(catalog, catalog.version)


@router.put(
    f"{PATH}/<gatewayType>",
    summary="Set a gateway type's GA catalog (staff)",
    description="The whole list in release order, the current GA last; `name` left out keeps the one recorded. The same PUT "
    'again changes nothing. If-Match `"0"` creates it only if there is none.',
    responses={**ok_response(GatewayCatalog, "The catalog as set; ETag is its version."), **error_responses(403, 404, 412, 415)},
    tags=TAGS,
)
def put_catalog(
    gateway_type: GatewayTypePath, request: Annotated[CatalogRequest, Body()], if_match: IfMatch = None
) -> Response[GatewayCatalog]:
    deps = dependencies()
    catalog = platforms.put_catalog(
        gateway_type, request, current_caller(router), if_match=expected_versions(if_match), store=deps.platforms, now=deps.clock.now()
    )
    return versioned(catalog, catalog.version)
