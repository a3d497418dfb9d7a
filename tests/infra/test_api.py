"""The REST API: routes and their authorization, stage settings, API Gateway's own error bodies, WAF."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]

CASE_ROUTES = {
    ("/cases", "GET"), ("/cases", "POST"), ("/cases/{caseNumber}", "GET"), ("/cases/{caseNumber}", "PATCH"),
    ("/cases/{caseNumber}/updates", "GET"), ("/cases/{caseNumber}/updates", "POST"), ("/cases/{caseNumber}/history", "GET"),
    ("/catalog/service-requests", "GET"), ("/queues/{queue}", "GET"),
    ("/maintenance/requests", "POST"), ("/maintenance/requests/check", "POST"),
    *(("/cases/{caseNumber}/" + action, "POST") for action in (
        "request-info", "propose-solution", "solution/accept", "solution/reject", "close", "reopen", "escalations",
    )),
}  # fmt: skip
FILE_ROUTES = {
    ("/cases/{caseNumber}/uploads", "GET"), ("/cases/{caseNumber}/uploads", "POST"),
    ("/cases/{caseNumber}/uploads/{uploadId}", "GET"), ("/cases/{caseNumber}/uploads/{uploadId}", "DELETE"),
    ("/cases/{caseNumber}/uploads/{uploadId}/part-urls", "POST"), ("/cases/{caseNumber}/uploads/{uploadId}/complete", "POST"),
    ("/cases/{caseNumber}/files", "GET"), ("/cases/{caseNumber}/files/{fileId}/download", "GET"),
}  # fmt: skip
DIRECTORY_ROUTES = {
    ("/accounts", "GET"), ("/accounts", "POST"), ("/accounts/{accountId}", "GET"), ("/accounts/{accountId}", "PATCH"),
    ("/accounts/{accountId}/history", "GET"), ("/regions", "GET"), ("/regions/{region}", "PUT"), ("/sign-in", "GET"),
    ("/accounts/{accountId}/contacts", "GET"), ("/accounts/{accountId}/contacts", "POST"),
    ("/accounts/{accountId}/contacts/{contactId}", "GET"), ("/accounts/{accountId}/contacts/{contactId}", "PATCH"),
    *(("/accounts/{accountId}/contacts/{contactId}/" + action, "POST") for action in (
        "disable", "enable", "resend-invitation", "pin/verify", "pin/unlock",
    )),
    ("/accounts/{accountId}/contacts/{contactId}/pin", "PUT"),
}  # fmt: skip
ALERT_ROUTES = {
    ("/alerts/integrations", "POST"), ("/alerts/integrations", "GET"), ("/alerts/integrations/{integrationId}", "GET"),
    ("/alerts/integrations/{integrationId}/rotate", "POST"), ("/alerts/integrations/{integrationId}/disable", "POST"),
    ("/alerts", "GET"), ("/alerts/groups", "GET"), ("/alerts/groups/{groupId}", "GET"), ("/alerts/groups/{groupId}/case", "POST"),
    ("/alerts/settings/{accountId}", "GET"), ("/alerts/settings/{accountId}", "PUT"),
    ("/alerts/maintenance-windows", "POST"), ("/alerts/maintenance-windows", "GET"), ("/alerts/maintenance-windows/{windowId}", "GET"),
    ("/alerts/maintenance-windows/{windowId}", "PATCH"), ("/alerts/maintenance-windows/{windowId}/cancel", "POST"),
    ("/alerts/insights", "GET"),
}  # fmt: skip
INTAKE_ROUTES = {("/alerts/v1/enqueue", "POST"), ("/alerts/v1/integrations/{integrationId}/events", "POST")}
RECIPIENT_LINK_ROUTES = {("/report-subscriptions/confirm", "POST"), ("/report-subscriptions/unsubscribe", "POST")}
REPORT_ROUTES = {
    ("/reports/cases", "GET"), ("/report-subscriptions", "POST"), ("/report-subscriptions", "GET"),
    ("/report-subscriptions/{subscriptionId}", "GET"), ("/report-subscriptions/{subscriptionId}", "PATCH"),
    ("/report-subscriptions/{subscriptionId}", "DELETE"), ("/report-subscriptions/{subscriptionId}/send", "POST"),
    ("/report-subscriptions/{subscriptionId}/runs", "GET"), ("/report-subscriptions/{subscriptionId}/runs/{firstDay}/csv", "GET"),
    *RECIPIENT_LINK_ROUTES,
}  # fmt: skip
UPDATE_ROUTES = {
    ("/maintenance/windows-updates", "POST"), ("/maintenance/windows-updates", "GET"), ("/maintenance/windows-updates/{kb}", "GET"),
    ("/maintenance/windows-updates/{kb}/validate", "POST"), ("/maintenance/windows-updates/{kb}/reject", "POST"),
    ("/maintenance/gateway-catalog", "GET"), ("/maintenance/gateway-catalog/{gatewayType}", "GET"),
    ("/maintenance/gateway-catalog/{gatewayType}", "PUT"), ("/accounts/{accountId}/platform", "GET"),
    ("/accounts/{accountId}/platform", "PUT"),
}  # fmt: skip
DOCS_ROUTES = {("/openapi.json", "GET"), ("/swagger", "GET")}
# Domain routes served without the authorizer: their OpenAPI operation declares no token (`security: [{}]`).
PUBLIC_ROUTES = {("/sign-in", "GET"), *INTAKE_ROUTES, *RECIPIENT_LINK_ROUTES}
DOMAIN_ROUTES = CASE_ROUTES | FILE_ROUTES | DIRECTORY_ROUTES | ALERT_ROUTES | INTAKE_ROUTES | REPORT_ROUTES | UPDATE_ROUTES
CASE_PATHS, FILE_PATHS, DIRECTORY_PATHS = ({path for path, _ in routes} for routes in (CASE_ROUTES, FILE_ROUTES, DIRECTORY_ROUTES))
ALERT_PATHS = {path for path, _ in ALERT_ROUTES | INTAKE_ROUTES}
REPORT_PATHS = {path for path, _ in REPORT_ROUTES}
UPDATE_PATHS = {path for path, _ in UPDATE_ROUTES}
SERVED_PATHS = CASE_PATHS | FILE_PATHS | DIRECTORY_PATHS | ALERT_PATHS | REPORT_PATHS | UPDATE_PATHS
# Every served path also takes ANY: its other methods reach its Lambda, which answers 405 with Allow.
OTHER_METHOD_ROUTES = {(path, "ANY") for path in SERVED_PATHS}
RETENTION_DAYS = {"dev": 7, "prod": 90}


def _routes(synth) -> dict[tuple[str, str], dict]:
    """(path, method) -> method properties, with paths rebuilt from the Resource tree."""
    resources = synth.resources("AWS::ApiGateway::Resource")

    def path(resource_id: str) -> str:
        properties = resources[resource_id]["Properties"]
        parent = properties["ParentId"]
        prefix = path(parent["Ref"]) if "Ref" in parent else ""  # else GetAtt RootResourceId
        return f"{prefix}/{properties['PathPart']}"

    return {
        (path(method["Properties"]["ResourceId"]["Ref"]), method["Properties"]["HttpMethod"]): method["Properties"]
        for method in synth.resources("AWS::ApiGateway::Method").values()
    }


def test_domain_routes_need_a_cognito_token_and_docs_and_sign_in_are_public(dev):
    routes = _routes(dev)
    assert set(routes) == DOMAIN_ROUTES | OTHER_METHOD_ROUTES | DOCS_ROUTES
    authorizer_id, authorizer = dev.only("AWS::ApiGateway::Authorizer")
    pool_id = dev.only("AWS::Cognito::UserPool")[0]
    assert authorizer["Properties"]["Type"] == "COGNITO_USER_POOLS"
    assert authorizer["Properties"]["ProviderARNs"] == [{"Fn::GetAtt": [pool_id, "Arn"]}]
    assert authorizer["Properties"]["IdentitySource"] == "method.request.header.Authorization"
    for route in (DOMAIN_ROUTES - PUBLIC_ROUTES) | OTHER_METHOD_ROUTES:  # ANY /sign-in too: only GET is public
        assert routes[route]["AuthorizationType"] == "COGNITO_USER_POOLS", route
        assert routes[route]["AuthorizerId"] == {"Ref": authorizer_id}, route
    for route in DOCS_ROUTES | PUBLIC_ROUTES:
        assert routes[route]["AuthorizationType"] == "NONE", route
        assert "AuthorizerId" not in routes[route], route


def test_the_public_routes_are_those_whose_openapi_needs_no_token(dev):
    from infra.components.api import PUBLIC_ROUTE_REASONS, public_api_routes
    from local.http_adapter import public_routes

    modules = (
        "functions.cases.handlers.api", "functions.files.handlers.api", "functions.directory.handlers.api",
        "functions.alerts.handlers.api", "functions.alerts.handlers.intake", "functions.reports.handlers.api",
        "functions.updates.handlers.api",
    )  # fmt: skip
    assert {route for module in modules for route in public_api_routes(module)} == PUBLIC_ROUTES == set(PUBLIC_ROUTE_REASONS)
    # The local API Gateway reads the same declaration.
    from functions.alerts.handlers.intake import app as intake_app
    from functions.directory.handlers.api import app
    from functions.reports.handlers.api import app as reports_app

    assert set(public_routes(app)) | set(public_routes(intake_app)) | set(public_routes(reports_app)) == PUBLIC_ROUTES
    # The stored document tells clients so: `security: [{}]` (no requirement) instead of the API's default token.
    document = json.loads((ROOT / "functions/shared/api/openapi.json").read_text())
    assert document["paths"]["/sign-in"]["get"]["security"] == [{}] and document["security"] == [{"cognitoIdToken": []}]
    (sign_in,) = [route for (path, verb), route in _routes(dev).items() if (path, verb) == ("/sign-in", "GET")]
    assert sign_in["RequestValidatorId"]  # the stage's request validator still applies


def test_the_directory_function_is_told_the_user_pool_for_sign_in(dev):
    """GET /sign-in answers from the directory function's environment (functions/shared/settings.py SignInSettings)."""
    from functions.shared.settings import SignInSettings

    _, function = dev.one("AWS::Lambda::Function", "Directory")
    variables = function["Properties"]["Environment"]["Variables"]
    required = {name.upper() for name, field in SignInSettings.model_fields.items() if field.is_required()}
    assert required <= set(variables)
    pool_id = dev.only("AWS::Cognito::UserPool")[0]
    client_id = dev.only("AWS::Cognito::UserPoolClient")[0]
    assert variables["USER_POOL_ID"] == {"Ref": pool_id} and variables["USER_POOL_CLIENT_ID"] == {"Ref": client_id}
    assert variables["USER_POOL_REGION"] == {"Ref": "AWS::Region"}
    assert "COGNITO_ENDPOINT" not in variables  # in AWS: the region's public endpoint


def _integrated_function(method: dict) -> str:
    integration = method["Integration"]
    assert integration["Type"] == "AWS_PROXY"
    (function,) = [part["Fn::GetAtt"][0] for part in integration["Uri"]["Fn::Join"][1] if isinstance(part, dict) and "Fn::GetAtt" in part]
    return function


def test_each_route_proxies_to_the_lambda_whose_openapi_declares_it(dev):
    from infra.components.api import api_routes

    # The route tables are the apps' own OpenAPI documents.
    assert set(api_routes("functions.cases.handlers.api")) == CASE_ROUTES
    assert set(api_routes("functions.files.handlers.api")) == FILE_ROUTES
    assert set(api_routes("functions.directory.handlers.api")) == DIRECTORY_ROUTES
    assert set(api_routes("functions.alerts.handlers.api")) == ALERT_ROUTES
    assert set(api_routes("functions.alerts.handlers.intake")) == INTAKE_ROUTES
    assert set(api_routes("functions.reports.handlers.api")) == REPORT_ROUTES
    assert set(api_routes("functions.updates.handlers.api")) == UPDATE_ROUTES
    cases_id = dev.one("AWS::Lambda::Function", "Cases")[0]
    files_id = dev.one("AWS::Lambda::Function", "Files")[0]
    directory_id = dev.one("AWS::Lambda::Function", "Directory")[0]
    alerts_id = dev.one("AWS::Lambda::Function", "AlertsApiFunction")[0]
    intake_id = dev.one("AWS::Lambda::Function", "AlertsIntakeFunction")[0]
    reports_id = dev.one("AWS::Lambda::Function", "ReportsApi")[0]
    updates_id = dev.one("AWS::Lambda::Function", "UpdatesApi")[0]
    served_by = {
        **dict.fromkeys(REPORT_PATHS, reports_id), **dict.fromkeys(UPDATE_PATHS, updates_id),
        **dict.fromkeys(FILE_PATHS, files_id), **dict.fromkeys(DIRECTORY_PATHS, directory_id),
        **{path: alerts_id for path, _ in ALERT_ROUTES}, **{path: intake_id for path, _ in INTAKE_ROUTES},
    }  # fmt: skip
    for (path, verb), method in _routes(dev).items():
        assert _integrated_function(method) == served_by.get(path, cases_id), (path, verb)
    # API Gateway may invoke each function (once, for the whole API: components/api.py), and nothing else may.
    permissions = [value["Properties"] for value in dev.resources("AWS::Lambda::Permission").values()]
    for function_id in (cases_id, files_id, directory_id, alerts_id, intake_id, reports_id, updates_id):
        invokers = {p["Principal"] for p in permissions if p["FunctionName"] == {"Fn::GetAtt": [function_id, "Arn"]}}
        assert invokers == {"apigateway.amazonaws.com"}


def test_a_method_a_served_path_does_not_serve_reaches_the_paths_lambda(dev):
    """API Gateway matches a path's own methods first and sends any other to ANY: the domain Lambda answers
    405 with Allow instead of API Gateway's 404 (MISSING_AUTHENTICATION_TOKEN) or 403."""
    routes = _routes(dev)
    authorizer = {"Ref": dev.only("AWS::ApiGateway::Authorizer")[0]}
    for path in SERVED_PATHS:
        other = routes[(path, "ANY")]
        (served,) = {_integrated_function(routes[route]) for route in DOMAIN_ROUTES if route[0] == path}
        assert _integrated_function(other) == served, path
        assert other["Integration"]["IntegrationHttpMethod"] == "POST", path  # Lambda proxy: always POST
        assert (other["AuthorizationType"], other["AuthorizerId"]) == ("COGNITO_USER_POOLS", authorizer), path
        parameters = {name.strip("{}") for name in path.split("/") if name.startswith("{")}
        assert other.get("RequestParameters", {}) == {f"method.request.path.{name}": True for name in parameters}, path
    # The public docs and the paths in between (e.g. /cases/{caseNumber}/solution) get no ANY.
    assert {path for path, verb in routes if verb == "ANY"} == SERVED_PATHS


def test_a_route_served_by_two_lambdas_fails_the_synth():
    from aws_cdk import App, Stack
    from aws_cdk import aws_lambda as lambda_

    from infra.components.api import Api
    from infra.components.identity import Identity
    from infra.config import stage_config

    stack = Stack(App(), "Routes")
    config = stage_config("dev")

    def function(name: str) -> lambda_.Function:
        return lambda_.Function(
            stack,
            name,
            runtime=lambda_.Runtime.PYTHON_3_11,
            handler="index.handler",
            code=lambda_.Code.from_inline("def handler(event, context): pass"),
        )

    one, other = function("One"), function("Other")
    identity = Identity(stack, "Identity", config=config)
    with pytest.raises(ValueError, match="served by two Lambdas"):
        Api(
            stack,
            "Api",
            config=config,
            identity=identity,
            backends=[(one, [("/cases", "GET")]), (other, [("/cases", "GET")])],
            documentation=one,
        )
    # A path's other methods go to one Lambda, which must know all of the path's methods for its Allow header.
    with pytest.raises(ValueError, match="methods in two Lambdas"):
        Api(
            stack,
            "Api2",
            config=config,
            identity=identity,
            backends=[(one, [("/cases", "GET")]), (other, [("/cases", "POST")])],
            documentation=one,
        )


def test_stage_throttles_logs_and_traces(dev, prod):
    for synth in (dev, prod):
        stage = synth.only("AWS::ApiGateway::Stage")[1]["Properties"]
        (everything,) = [setting for setting in stage["MethodSettings"] if (setting["ResourcePath"], setting["HttpMethod"]) == ("/*", "*")]
        assert everything["ThrottlingRateLimit"] == synth.config.throttle_rate_limit
        assert everything["ThrottlingBurstLimit"] == synth.config.throttle_burst_limit
        assert everything["LoggingLevel"] == "ERROR"
        assert everything["DataTraceEnabled"] is False
        assert stage["TracingEnabled"] is True
        destination = json.dumps(stage["AccessLogSetting"]["DestinationArn"])
        assert [name for name in synth.resources("AWS::Logs::LogGroup") if name in destination]
        assert "$context.requestId" in stage["AccessLogSetting"]["Format"]
    assert dev.config.throttle_rate_limit < prod.config.throttle_rate_limit


def test_every_log_group_expires_including_api_gateway_execution_logs(dev, prod):
    for synth in (dev, prod):
        log_groups = synth.resources("AWS::Logs::LogGroup").values()
        assert {group["Properties"]["RetentionInDays"] for group in log_groups} == {RETENTION_DAYS[synth.config.name]}
        names = [json.dumps(group["Properties"].get("LogGroupName")) for group in log_groups]
        assert [name for name in names if "API-Gateway-Execution-Logs_" in name and "/v1" in name]


@pytest.mark.parametrize(
    ("response_type", "status", "error", "message"),
    [
        ("UNAUTHORIZED", "401", "unauthorized", "Sign in and send your ID token in the Authorization header."),
        ("ACCESS_DENIED", "403", "forbidden", None),
        ("MISSING_AUTHENTICATION_TOKEN", "404", "not_found", "No such route; see /openapi.json."),
        ("REQUEST_TOO_LARGE", "413", "payload_too_large", None),
        ("THROTTLED", "429", "throttled", None),
        ("DEFAULT_4XX", None, "bad_request", None),
        ("DEFAULT_5XX", None, "internal_error", None),
    ],
)
def test_gateway_refusals_are_json_errors(dev, response_type, status, error, message):
    (response,) = [
        resource["Properties"]
        for resource in dev.resources("AWS::ApiGateway::GatewayResponse").values()
        if resource["Properties"]["ResponseType"] == response_type
    ]
    assert response.get("StatusCode") == status
    body = json.loads(response["ResponseTemplates"]["application/json"])
    assert set(body) == {"error", "message"}
    assert body["error"] == error
    assert body["message"] == message if message else body["message"].endswith(".")


def test_waf_guards_prod_only(dev, prod):
    assert not dev.resources("AWS::WAFv2::WebACL")
    acl_id, acl = prod.only("AWS::WAFv2::WebACL")
    assert acl["Properties"]["Scope"] == "REGIONAL"
    association = prod.only("AWS::WAFv2::WebACLAssociation")[1]["Properties"]
    stage_id = prod.only("AWS::ApiGateway::Stage")[0]
    assert association["WebACLArn"] == {"Fn::GetAtt": [acl_id, "Arn"]}
    assert {"Ref": stage_id} in association["ResourceArn"]["Fn::Join"][1]


def test_outputs_for_clients(dev):
    outputs = dev.template.to_json()["Outputs"]
    assert {"ApiUrl", "UserPoolId", "UserPoolClientId"} <= set(outputs)


def _api_alarm(synth, metric_name: str) -> dict:
    (alarm,) = [
        value["Properties"]
        for value in synth.resources("AWS::CloudWatch::Alarm").values()
        if (value["Properties"].get("Namespace"), value["Properties"].get("MetricName")) == ("AWS/ApiGateway", metric_name)
    ]
    return alarm


def test_alarms_on_the_stages_5xx_rate_and_p99_latency(dev):
    stage_id = dev.only("AWS::ApiGateway::Stage")[0]
    dimensions = [{"Name": "ApiName", "Value": "dss-dev-api"}, {"Name": "Stage", "Value": {"Ref": stage_id}}]
    errors, latency = _api_alarm(dev, "5XXError"), _api_alarm(dev, "Latency")
    # The average of 5XXError is the share of requests that answered 5xx.
    assert (errors["Statistic"], errors["Threshold"]) == ("Average", 0.05)
    assert (latency["ExtendedStatistic"], latency["Threshold"]) == ("p99", 5000)
    for alarm in (errors, latency):
        assert alarm["Dimensions"] == dimensions
        assert (alarm["Period"], alarm["EvaluationPeriods"], alarm["DatapointsToAlarm"]) == (300, 3, 2)
        assert alarm["ComparisonOperator"] == "GreaterThanThreshold"
        assert alarm["TreatMissingData"] == "notBreaching"
