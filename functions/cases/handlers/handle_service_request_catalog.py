from aws_lambda_powertools.event_handler.router import Router

from functions.cases.models.service_requests import SERVICE_REQUEST_CATALOG, ServiceRequestCatalog
from functions.shared.api.requests import current_caller
from functions.shared.api.responses import error_responses, ok_response

router = Router()


@router.get(
    "/catalog/service-requests",
    summary="List the service request (MAC) types and their forms",
    description=(
        "The guide's Move, Add and Change types, each with the fields `POST /cases` expects in `fields` for "
        "`caseType: Service Request`. Only MAC-authorized contacts may open service requests."
    ),
    responses={**ok_response(ServiceRequestCatalog, "Every MAC type with its form fields."), **error_responses()},
    tags=["Service requests"],
)
def get_service_request_catalog() -> ServiceRequestCatalog:
    current_caller(router)  # any signed-in role; refuses a call that reached the function without claims
    return SERVICE_REQUEST_CATALOG
