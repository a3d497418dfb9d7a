"""The served OpenAPI document and Swagger UI: public, complete and pointing at the right server."""

import json

from local.api_gateway import proxy_event
from local.http_adapter import LambdaContext


def test_openapi_lists_every_route_of_the_api_with_modelled_errors(local_aws):
    """One document for the whole API: every API Lambda's routes."""
    document = local_aws.call("GET", "/openapi.json", user=None)

    assert document.status == 200
    actions = ("request-info", "propose-solution", "solution/accept", "solution/reject", "close", "reopen", "escalations")
    case_paths = {"/cases/{caseNumber}" + suffix for suffix in ("", "/updates", "/history", *(f"/{action}" for action in actions))}
    uploads = "/cases/{caseNumber}/uploads"
    file_paths = {uploads, uploads + "/{uploadId}", uploads + "/{uploadId}/part-urls", uploads + "/{uploadId}/complete"}
    file_paths |= {"/cases/{caseNumber}/files", "/cases/{caseNumber}/files/{fileId}/download"}
    account_paths = {"/accounts", "/accounts/{accountId}", "/accounts/{accountId}/history", "/regions", "/regions/{region}"}
    contact = "/accounts/{accountId}/contacts/{contactId}"
    contact_actions = ("disable", "enable", "resend-invitation", "pin", "pin/verify", "pin/unlock")
    account_paths |= {"/accounts/{accountId}/contacts", contact, *(f"{contact}/{action}" for action in contact_actions)}
    public_paths = {"/sign-in"}
    queue_paths = {"/queues/{queue}"}
    integration = "/alerts/integrations/{integrationId}"
    alert_paths = {"/alerts/integrations", integration, f"{integration}/rotate", f"{integration}/disable"}
    alert_paths |= {
        "/alerts",
        "/alerts/groups",
        "/alerts/groups/{groupId}",
        "/alerts/groups/{groupId}/case",
        "/alerts/settings/{accountId}",
        "/alerts/maintenance-windows",
        "/alerts/maintenance-windows/{windowId}",
        "/alerts/maintenance-windows/{windowId}/cancel",
        "/alerts/insights",
    }
    intake_paths = {"/alerts/v1/enqueue", "/alerts/v1/integrations/{integrationId}/events"}  # public: PagerDuty's answers
    subscription = "/report-subscriptions/{subscriptionId}"
    report_paths = {"/reports/cases", "/report-subscriptions", "/report-subscriptions/confirm", "/report-subscriptions/unsubscribe"}
    report_paths |= {subscription, f"{subscription}/send", f"{subscription}/runs", f"{subscription}/runs/{{firstDay}}/csv"}
    windows_update = "/maintenance/windows-updates/{kb}"
    update_paths = {"/maintenance/windows-updates", windows_update, f"{windows_update}/validate", f"{windows_update}/reject"}
    update_paths |= {"/maintenance/gateway-catalog", "/maintenance/gateway-catalog/{gatewayType}", "/accounts/{accountId}/platform"}
    update_paths |= {"/maintenance/requests", "/maintenance/requests/check"}  # the cases API decides installations
    assert set(document.body["paths"]) == {
        *report_paths,
        *update_paths,
        *alert_paths,
        *intake_paths,
        "/cases",
        *case_paths,
        "/catalog/service-requests",
        *queue_paths,
        *file_paths,
        *account_paths,
        *public_paths,
    }
    for name, path in document.body["paths"].items():
        for operation in path.values():
            for status, response in operation["responses"].items():
                if name in intake_paths and status == "400":  # PagerDuty's invalid-event body, with our `error` too
                    assert response["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/InvalidEventAnswer"}
                elif int(status) >= 400:
                    assert response["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorResponse"}
    assert document.body["servers"] == [{"url": "/"}]


def test_behind_the_stage_url_the_documents_name_the_stage(local_aws):
    from functions.cases.handlers.api import lambda_handler

    event = proxy_event("GET", "/openapi.json")
    event["requestContext"].update(stage="v1", path="/v1/openapi.json")

    assert json.loads(lambda_handler(event, LambdaContext())["body"])["servers"] == [{"url": "/v1"}]


def test_swagger_ui_and_its_json_format(local_aws):
    page = local_aws.call("GET", "/swagger", user=None)
    spec = local_aws.call("GET", "/swagger", user=None, query={"format": "json"})

    assert page.status == 200 and page.headers["content-type"] == "text/html"
    assert "<title>" in page.body
    assert spec.status == 200 and "/cases" in spec.body["paths"]
