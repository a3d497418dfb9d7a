"""The regions routes: list them, set one."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Body, Path
from aws_lambda_powertools.event_handler.router import Router

from functions.directory.logic import regions
from functions.directory.logic.dependencies import dependencies
from functions.directory.models.regions import Region, RegionList, RegionSettings
from functions.shared.api.requests import current_caller
from functions.shared.api.responses import error_responses, ok_response

router = Router()
RegionName = Annotated[str, Path(alias="region", pattern=r"^[a-z][a-z0-9-]{1,31}$", description="e.g. `north-america`.")]


@router.get(
    "/regions",
    summary="List the support regions",
    description="Staff only: each region's managers, support queue and after-hours address.",
    responses={**ok_response(RegionList, "Every region."), **error_responses(403)},
    tags=["Regions"],
)
def get_regions() -> RegionList:
    return regions.list_regions(current_caller(router), store=dependencies().regions)


@router.put(
    "/regions/<region>",
    summary="Set a support region",
    description=(
        "Staff only. Sets the region's managers (their staff user ids), support queue and after-hours address, all of them "
        "(a field left out is cleared). The same PUT again changes nothing."
    ),
    responses={**ok_response(Region, "The region as set."), **error_responses(403, 404, 415)},
    tags=["Regions"],
)
def put_region(region: RegionName, request: Annotated[RegionSettings, Body()]) -> Region:
    deps = dependencies()
    return regions.put_region(region, request, current_caller(router), store=deps.regions, now=deps.clock.now())
