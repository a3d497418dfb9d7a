"""The public REST API: one RestApi in front of several domain Lambdas (docs/architecture.md, Architecture), each serving
the Cognito-authorized routes its own OpenAPI documents (without the authorizer, those its OpenAPI declares need no
token: GET /sign-in), plus an ANY method on each of those paths so that a method the path does not serve reaches
its Lambda (which answers 405 with `Allow`); the public docs (served by
the cases Lambda, whose document merges the others'), stage throttling and logging, JSON bodies for API
Gateway's own refusals (the same `{"error", "message"}` shape the handlers use), and alarms on the stage's
5xx rate and p99 latency."""

from __future__ import annotations

import importlib
import json
import re
from collections.abc import Collection, Sequence
from typing import TypedDict

from aws_cdk import Acknowledgment, Duration, Validations
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

from functions.shared.api.openapi import PUBLIC_PATHS, documented_routes
from infra.components.identity import Identity
from infra.config import StageConfig

STAGE_NAME = "v1"
PUBLIC_DOCS_PATHS = tuple(path.lstrip("/") for path in PUBLIC_PATHS)

# API Gateway's refusals, before any handler runs: (status to answer or None to keep, error code, message).
GATEWAY_RESPONSES: dict[apigw.ResponseType, tuple[str | None, str, str]] = {
    apigw.ResponseType.UNAUTHORIZED: ("401", "unauthorized", "Sign in and send your ID token in the Authorization header."),
    apigw.ResponseType.ACCESS_DENIED: ("403", "forbidden", "Your token does not allow this request; sign in again."),
    # API Gateway answers an unknown route or method as a missing token; to a caller it is a wrong URL.
    apigw.ResponseType.MISSING_AUTHENTICATION_TOKEN: ("404", "not_found", "No such route; see /openapi.json."),
    apigw.ResponseType.REQUEST_TOO_LARGE: ("413", "payload_too_large", "The body is too large; attach large content as a file."),
    apigw.ResponseType.THROTTLED: ("429", "throttled", "Too many requests; retry after a short pause."),
    apigw.ResponseType.DEFAULT_4_XX: (None, "bad_request", "The request was refused; check it against /openapi.json."),
    apigw.ResponseType.DEFAULT_5_XX: (
        None,
        "internal_error",
        "Something failed on our side; retry, and quote the request id $context.requestId to support.",
    ),
}

ACCESS_LOG_FORMAT = apigw.AccessLogFormat.custom(
    json.dumps(
        {
            "requestId": apigw.AccessLogField.context_request_id(),
            "requestTime": apigw.AccessLogField.context_request_time(),
            "ip": apigw.AccessLogField.context_identity_source_ip(),
            "userAgent": apigw.AccessLogField.context_identity_user_agent(),
            "user": apigw.AccessLogField.context_authorizer_claims("sub"),
            "method": apigw.AccessLogField.context_http_method(),
            "resourcePath": apigw.AccessLogField.context_resource_path(),
            "path": apigw.AccessLogField.context_path(),
            "status": apigw.AccessLogField.context_status(),
            "responseLength": apigw.AccessLogField.context_response_length(),
            "responseLatency": apigw.AccessLogField.context_response_latency(),
            "integrationLatency": apigw.AccessLogField.context_integration_latency(),
            "error": apigw.AccessLogField.context_error_message(),
            "errorType": apigw.AccessLogField.context_error_response_type(),
        }
    )
)


Route = tuple[str, str]  # (path template, method)

# Why each domain route that needs no token may be public: cdk-nag's APIG4 and COG4 are acknowledged with it.
# A route whose OpenAPI declares no token fails the synth until it has its reason here.
PUBLIC_ROUTE_REASONS: dict[Route, str] = {
    ("/sign-in", "GET"): "Public sign-in configuration: the user pool id, app client id (a client without a secret), region "
    "and Cognito endpoint a client needs before it has a token; reads no customer data, changes nothing, stage-throttled.",
    ("/alerts/v1/enqueue", "POST"): "The monitoring intake (PagerDuty Events API v2): monitors authenticate with the routing "
    "key in the body, checked by its MAC before anything else; a refused key is 401 and writes nothing. Stage-throttled.",
    ("/alerts/v1/integrations/{integrationId}/events", "POST"): "The monitoring intake's signed webhook: senders authenticate "
    "with a Standard Webhooks HMAC signature over the raw body (±5 min); a refused one is 401 and writes nothing. "
    "Stage-throttled.",
    ("/report-subscriptions/confirm", "POST"): "A report recipient's confirmation link (double opt-in): the token in the query is "
    "an HMAC-signed, 14-day link naming one subscription and one address; a refused one is 400 and writes nothing. It can only "
    "turn that address's pending status active. Stage-throttled.",
    ("/report-subscriptions/unsubscribe", "POST"): "A report recipient's unsubscribe link (and mail clients' RFC 8058 one-click "
    "unsubscribe, which carries no token of ours): an HMAC-signed token naming one subscription and one address; it can only stop "
    "reports to that address. Stage-throttled.",
}


class _SignedIn(TypedDict):
    """What every Cognito-authorized method gets (add_method's keyword arguments, typed for mypy)."""

    authorizer: apigw.IAuthorizer
    authorization_type: apigw.AuthorizationType
    request_validator: apigw.IRequestValidator


# Any other method of a served path goes to the path's Lambda, which answers 405 with `Allow`; API Gateway
# matches a path's own methods before ANY.
OTHER_METHODS = "ANY"

# The stage's alarms: sustained, not one slow or failed request (each period is 5 minutes, and 2 of the last
# 3 must breach). 5xx are our failures (a handler's 500/503, an integration error or timeout); 5 % of requests
# is far above the odd 503 a retry resolves. Latency: p99 over 5 s means callers wait (the functions answer
# in well under a second; only completing a very large upload takes longer).
ALARM_PERIOD = Duration.minutes(5)
ALARM_EVALUATION_PERIODS, ALARM_DATAPOINTS = 3, 2
SERVER_ERROR_RATE_THRESHOLD = 0.05
LATENCY_P99_THRESHOLD = Duration.seconds(5)


def api_routes(module: str) -> list[Route]:
    """(path, method) of every route the domain API `module` (whose resolver is `app`) documents: its own
    OpenAPI document (not the merged one the docs serve) is the route table, so API Gateway and the
    handler cannot drift apart."""
    return documented_routes(importlib.import_module(module).app)


def public_api_routes(module: str) -> list[Route]:
    """The routes of `module` whose OpenAPI operation declares that it needs no token (`security: [{}]`, e.g.
    GET /sign-in): API Gateway serves them without the Cognito authorizer. The same document says so to
    clients, and the local API Gateway reads it too (local/http_adapter.py public_routes)."""
    paths = (importlib.import_module(module).app.own_openapi_schema().paths or {}).items()
    methods = ("get", "post", "put", "patch", "delete")
    return [(path, method.upper()) for path, item in paths for method in methods if (op := getattr(item, method)) and op.security == [{}]]


class Api(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: StageConfig,
        identity: Identity,
        backends: Sequence[tuple[lambda_.IFunction, Sequence[Route]]],
        documentation: lambda_.IFunction,
        public_routes: Collection[Route] = (),
    ) -> None:
        """`backends`: each domain Lambda with the routes it serves; `documentation`: the Lambda that serves
        the public OpenAPI document and Swagger UI; `public_routes`: those of the backends' routes served
        without the Cognito authorizer (their OpenAPI declares no token: `public_api_routes`)."""
        super().__init__(scope, construct_id)
        self.access_logs = logs.LogGroup(self, "AccessLogs", retention=config.log_retention, removal_policy=config.removal_policy)
        self.rest_api = apigw.RestApi(
            self,
            "RestApi",
            rest_api_name=f"dss-{config.name}-api",
            description="Dedicated Support Services API",
            endpoint_types=[apigw.EndpointType.REGIONAL],
            cloud_watch_role=True,  # execution logs need the region's API Gateway CloudWatch role
            deploy_options=apigw.StageOptions(
                stage_name=STAGE_NAME,
                throttling_rate_limit=config.throttle_rate_limit,
                throttling_burst_limit=config.throttle_burst_limit,
                logging_level=apigw.MethodLoggingLevel.ERROR,
                data_trace_enabled=False,  # would log request bodies: case content and tokens
                metrics_enabled=True,
                tracing_enabled=True,
                access_log_destination=apigw.LogGroupLogDestination(self.access_logs),
                access_log_format=ACCESS_LOG_FORMAT,
            ),
        )
        self.rest_api.node.try_remove_child("Endpoint")  # the stack outputs it as ApiUrl
        # API Gateway would create this group itself, with no retention.
        execution_logs = logs.LogGroup(
            self,
            "ExecutionLogs",
            log_group_name=f"API-Gateway-Execution-Logs_{self.rest_api.rest_api_id}/{STAGE_NAME}",
            retention=config.log_retention,
            removal_policy=config.removal_policy,
        )
        self.rest_api.deployment_stage.node.add_dependency(execution_logs)
        Validations.of(self.rest_api.node.find_child("CloudWatchRole")).acknowledge(
            Acknowledgment(
                id="AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]",
                reason="API Gateway's account-wide logging role, shared by every REST API in the region; AWS maintains "
                "this managed policy for exactly that role and its log groups are named by API Gateway.",
            )
        )
        self._add_routes(identity, backends, documentation, public_routes)
        self._add_gateway_responses()
        self._add_alarms()
        if config.waf:
            self._add_web_acl(config)
        else:
            Validations.of(self.rest_api.deployment_stage).acknowledge(
                Acknowledgment(
                    id="AwsSolutions-APIG3",
                    reason="WAF is production-only by design (docs/architecture.md, Architecture); other stages rely on the "
                    "Cognito authorizer and stage throttling.",
                )
            )

    def _add_routes(
        self,
        identity: Identity,
        backends: Sequence[tuple[lambda_.IFunction, Sequence[Route]]],
        documentation: lambda_.IFunction,
        public_routes: Collection[Route],
    ) -> None:
        authorizer = apigw.CognitoUserPoolsAuthorizer(
            self, "Authorizer", cognito_user_pools=[identity.user_pool], identity_source=apigw.IdentitySource.header("Authorization")
        )
        validator = self.rest_api.add_request_validator("Validator", validate_request_body=True, validate_request_parameters=True)
        signed_in: _SignedIn = {
            "authorizer": authorizer,
            "authorization_type": apigw.AuthorizationType.COGNITO,
            "request_validator": validator,
        }

        served: set[Route] = set()
        path_owners: dict[str, lambda_.IFunction] = {}
        for function, routes in backends:
            # One invoke permission per function for the whole API, not one per method: CloudFormation's 500 resources
            # per stack would not hold the desk's ~130 methods' permissions with the rest. Each function still serves
            # only the methods integrated with it.
            integration = apigw.LambdaIntegration(function, scope_permission_to_method=False)
            for path, method in routes:
                if (path, method) in served or path.lstrip("/") in PUBLIC_DOCS_PATHS:
                    raise ValueError(f"{method} {path} is served by two Lambdas; each route belongs to one domain's app")
                # The Lambda answering a path's other methods must know all of its methods (its `Allow`).
                if path_owners.setdefault(path, function) is not function:
                    raise ValueError(f"{path} has methods in two Lambdas; each path belongs to one domain's app")
                served.add((path, method))
                parameters = {f"method.request.path.{name}": True for name in re.findall(r"{(\w+)}", path)}
                resource = self.rest_api.root.resource_for_path(path)
                if (path, method) in public_routes:
                    self._add_public_method(resource, (path, method), integration, parameters, validator)
                else:
                    resource.add_method(method, integration, request_parameters=parameters or None, **signed_in)
                if resource.node.try_find_child(OTHER_METHODS) is None:
                    resource.add_method(OTHER_METHODS, integration, request_parameters=parameters or None, **signed_in)
        if unserved := set(public_routes) - served:
            raise ValueError(f"public routes no backend serves: {sorted(unserved)}")
        docs_integration = apigw.LambdaIntegration(documentation, allow_test_invoke=False)
        for path in PUBLIC_DOCS_PATHS:
            docs_method = self.rest_api.root.add_resource(path).add_method(
                "GET", docs_integration, authorization_type=apigw.AuthorizationType.NONE
            )
            reason = "Public API documentation (OpenAPI document and Swagger UI): serves no customer data."
            Validations.of(docs_method).acknowledge(
                Acknowledgment(id="AwsSolutions-APIG4", reason=reason), Acknowledgment(id="AwsSolutions-COG4", reason=reason)
            )

    @staticmethod
    def _add_public_method(
        resource: apigw.IResource,
        route: Route,
        integration: apigw.LambdaIntegration,
        parameters: dict[str, bool],
        validator: apigw.IRequestValidator,
    ) -> None:
        """A route anyone may call: no authorizer (its OpenAPI operation declares `security: [{}]`), with the
        reason cdk-nag is told; the path's other methods (ANY) stay behind the authorizer."""
        (path, method), reason = route, PUBLIC_ROUTE_REASONS.get(route)
        if reason is None:
            raise ValueError(f"{method} {path} needs no token: say why in PUBLIC_ROUTE_REASONS")
        public_method = resource.add_method(
            method,
            integration,
            authorization_type=apigw.AuthorizationType.NONE,
            request_parameters=parameters or None,
            request_validator=validator,
        )
        Validations.of(public_method).acknowledge(
            Acknowledgment(id="AwsSolutions-APIG4", reason=reason), Acknowledgment(id="AwsSolutions-COG4", reason=reason)
        )

    def _add_gateway_responses(self) -> None:
        for response_type, (status, code, message) in GATEWAY_RESPONSES.items():
            self.rest_api.add_gateway_response(
                f"Response{response_type.response_type.title().replace('_', '')}",
                type=response_type,
                status_code=status,
                templates={"application/json": json.dumps({"error": code, "message": message})},
            )

    def _add_alarms(self) -> None:
        stage = self.rest_api.deployment_stage

        def alarm(construct_id: str, description: str, metric: cloudwatch.Metric, threshold: float) -> cloudwatch.Alarm:
            return cloudwatch.Alarm(
                self,
                construct_id,
                alarm_description=description,
                metric=metric,
                threshold=threshold,
                evaluation_periods=ALARM_EVALUATION_PERIODS,
                datapoints_to_alarm=ALARM_DATAPOINTS,
                comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
                treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            )

        self.server_error_alarm = alarm(
            "ServerErrorRateAlarm",
            "Over 5 % of API requests answered 5xx, in 2 of the last three 5-minute periods. Find them in the access "
            "log (status 5xx: errorType says whether API Gateway or the integration failed) and the domain Lambda's "
            "log (its request id), fix the cause; callers retry with their Idempotency-Key.",
            stage.metric_server_error(period=ALARM_PERIOD, statistic=cloudwatch.Stats.AVERAGE),
            SERVER_ERROR_RATE_THRESHOLD,
        )
        self.latency_alarm = alarm(
            "LatencyAlarm",
            "The API's p99 latency was over 5 s in 2 of the last three 5-minute periods. Compare Latency with "
            "IntegrationLatency on the dashboard (the Lambdas or API Gateway), then the Lambda's duration, cold starts "
            "and throttles, and DynamoDB's throttled requests.",
            stage.metric_latency(period=ALARM_PERIOD, statistic=cloudwatch.Stats.percentile(99)),
            LATENCY_P99_THRESHOLD.to_milliseconds(),
        )

    def _add_web_acl(self, config: StageConfig) -> None:
        # Reputation and rate rules only: content rule sets (e.g. the common rule set's XSS and body-size
        # rules) would block customers pasting logs and code into case descriptions.
        def visibility(name: str) -> wafv2.CfnWebACL.VisibilityConfigProperty:
            return wafv2.CfnWebACL.VisibilityConfigProperty(
                cloud_watch_metrics_enabled=True, metric_name=name, sampled_requests_enabled=True
            )

        web_acl = wafv2.CfnWebACL(
            self,
            "WebAcl",
            name=f"dss-{config.name}-api",
            scope="REGIONAL",
            default_action=wafv2.CfnWebACL.DefaultActionProperty(allow={}),
            visibility_config=visibility(f"dss-{config.name}-api"),
            rules=[
                wafv2.CfnWebACL.RuleProperty(
                    name="AmazonIpReputationList",
                    priority=0,
                    override_action=wafv2.CfnWebACL.OverrideActionProperty(none={}),
                    statement=wafv2.CfnWebACL.StatementProperty(
                        managed_rule_group_statement=wafv2.CfnWebACL.ManagedRuleGroupStatementProperty(
                            vendor_name="AWS", name="AWSManagedRulesAmazonIpReputationList"
                        )
                    ),
                    visibility_config=visibility("AmazonIpReputationList"),
                ),
                wafv2.CfnWebACL.RuleProperty(
                    name="RatePerIp",
                    priority=1,
                    action=wafv2.CfnWebACL.RuleActionProperty(block={}),
                    statement=wafv2.CfnWebACL.StatementProperty(
                        rate_based_statement=wafv2.CfnWebACL.RateBasedStatementProperty(aggregate_key_type="IP", limit=2000)
                    ),
                    visibility_config=visibility("RatePerIp"),
                ),
            ],
        )
        wafv2.CfnWebACLAssociation(
            self, "WebAclAssociation", resource_arn=self.rest_api.deployment_stage.stage_arn, web_acl_arn=web_acl.attr_arn
        )
