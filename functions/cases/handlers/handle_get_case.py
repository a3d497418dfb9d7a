from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.router import Router

from functions.cases.handlers.case_http import case_response
from functions.cases.logic.dependencies import dependencies
from functions.cases.logic.get_case import visible_case
from functions.cases.models.case import Case
from functions.shared.api.requests import CaseNumber, current_caller
from functions.shared.api.responses import error_responses, ok_response

router = Router()


@router.get(
    "/cases/<caseNumber>",
    summary="Show a case",
    responses={**ok_response(Case, "The case; its ETag is the version."), **error_responses(404)},
    tags=["Cases"],
)
def get_one_case(case_number: CaseNumber) -> Response[Case]:
    return case_response(visible_case(case_number, current_caller(router), store=dependencies().store))
