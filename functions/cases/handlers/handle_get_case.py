
from typing import Annotated

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.event_handler.router import Router

from functions.cases.logic import dependencies
from functions.cases.logic.get_case import visible_case
from functions.cases.models.case import Case
from functions.shared.api import current_caller, error_responses, ok_response

router = Router()

CaseNumber = Annotated[str, Path(alias="caseNumber", pattern=r"^\d{10}$", description="10 digits, e.g. 0002068177.")]


@router.get(
    "/cases/<caseNumber>",
    summary="Show a case",
    responses={**ok_response(Case, "The case; its ETag is the version."), **error_responses(404)},
    tags=["Cases"],
)
def get_one_case(case_number: CaseNumber) -> Response[Case]:
    case = visible_case(case_number, current_caller(router), store=dependencies.store())
    return Response(
        status_code=200,
        content_type=content_types.APPLICATION_JSON,
        body=case.model_dump(mode="json", by_alias=True),
        headers={"ETag": f'"{case.version}"'},
    )
