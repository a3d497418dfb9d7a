"""The one way to build a Lambda function of the project, `DomainFunction`: its code (functions/, with its
bytecode) and the dependency layer (components/shared.py), the runtime, architecture, active tracing,
environment and findings every function shares, its own log group with the stage's retention, alarms on
its errors and throttles, and a role that starts with nothing but that log group and X-Ray; each
component grants its function the rest (`on_keys` for the table). tests/infra/test_functions.py fails
if a function of the stack is built any other way."""

from __future__ import annotations

import compileall
import py_compile
import shutil
from pathlib import Path
from typing import Any

import jsii
from aws_cdk import Acknowledgment, AssetHashType, BundlingOptions, DockerImage, Duration, ILocalBundling, Validations
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from infra.config import StageConfig
from infra.constants import (
    LAMBDA_ARCHITECTURE,
    LAMBDA_PYTHON_VERSION,
    LAMBDA_RUNTIME,
    POWERTOOLS_METRICS_NAMESPACE,
    POWERTOOLS_SERVICE_NAME,
    REPO_ROOT,
)

FUNCTIONS_DIR = REPO_ROOT / "functions"
BYTECODE = ["__pycache__", "*.pyc"]
# One failed or throttled invocation in five minutes is worth a person's look: the handlers answer every
# error they expect (an API's 4xx/5xx, a batch's partial failures), so a Lambda error is a crash or a
# timeout, and a throttle means the account's concurrency ran out.
FUNCTION_ALARM_PERIOD = Duration.minutes(5)


@jsii.implements(ILocalBundling)
class _CompiledFunctions:
    """functions/ as the package `functions`, with its bytecode: Lambda's /var/task is read-only, so
    without it every cold start recompiles our modules (~15 ms). Hash-based and unchecked, because
    the CDK zips assets with fixed timestamps. Runs on the build machine; no Docker. Non-Python files
    (e.g. a JSON document a handler serves) are copied as they are."""

    # Keyword-only, as ILocalBundling declares it: jsii then passes the bundling options' fields as keywords.
    def try_bundle(self, output_dir: str, *, image: DockerImage, **_options: Any) -> bool:
        target = Path(output_dir) / "functions"
        shutil.copytree(FUNCTIONS_DIR, target, ignore=shutil.ignore_patterns(*BYTECODE))
        return compileall.compile_dir(target, quiet=1, invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)


class InlinePolicyRole(iam.Role):
    """A role whose grants (`add_to_policy` here and CDK's own grants alike) are one inline policy of the role itself,
    not an AWS::IAM::Policy resource of their own (the default policy a Role makes): the same permissions in IAM (a
    policy resource is an inline policy of the role too), one CloudFormation resource fewer per role. The stack is near
    CloudFormation's 500 resources per template. The document is rendered at synth, so later grants are in it; what
    depends on the grants depends on the role. tests/infra/test_stack_limits.py checks that no reference cycle results."""

    def __init__(self, scope: Construct, construct_id: str, **kwargs: Any) -> None:
        self._grants = iam.PolicyDocument()
        super().__init__(scope, construct_id, inline_policies={"Grants": self._grants}, **kwargs)

    def add_to_principal_policy(self, statement: iam.PolicyStatement) -> iam.AddToPrincipalPolicyResult:
        self._grants.add_statements(statement)
        return iam.AddToPrincipalPolicyResult(statement_added=True, policy_dependable=self)


def _function_code() -> lambda_.Code:
    bundling = BundlingOptions(image=DockerImage.from_registry("unused-local-bundling-only"), local=_CompiledFunctions())
    return lambda_.Code.from_asset(str(FUNCTIONS_DIR), exclude=BYTECODE, asset_hash_type=AssetHashType.SOURCE, bundling=bundling)


def on_keys(action: str, table_arn: str, partition_keys: list[str]) -> iam.PolicyStatement:
    return iam.PolicyStatement(
        actions=[action],
        resources=[table_arn],
        conditions={"ForAllValues:StringLike": {"dynamodb:LeadingKeys": partition_keys}},
    )


def runtime_environment(config: StageConfig) -> dict[str, str]:
    """What every function of the project runs with besides its own settings."""
    return {
        "POWERTOOLS_SERVICE_NAME": POWERTOOLS_SERVICE_NAME,
        "POWERTOOLS_METRICS_NAMESPACE": POWERTOOLS_METRICS_NAMESPACE,
        "POWERTOOLS_LOG_LEVEL": config.log_level,
        # No pydantic plugins are used; without this pydantic scans every installed package's entry points
        # on the first model (~15 ms of cold start).
        "PYDANTIC_DISABLE_PLUGINS": "__all__",
    }


def _function_alarms(scope: Construct, function: lambda_.Function, name: str) -> tuple[cloudwatch.Alarm, cloudwatch.Alarm]:
    """Alarms on the function's errors (unhandled exceptions, timeouts) and throttles, created in `scope`."""

    def alarm(construct_id: str, metric: cloudwatch.Metric, description: str) -> cloudwatch.Alarm:
        return cloudwatch.Alarm(
            scope,
            construct_id,
            alarm_description=description,
            metric=metric,
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )

    errors = alarm(
        "ErrorsAlarm",
        function.metric_errors(period=FUNCTION_ALARM_PERIOD, statistic=cloudwatch.Stats.SUM),
        f"The {name} Lambda failed: an unhandled exception or a timeout (its handlers answer the errors they expect). "
        "Find the stack trace or 'Task timed out' in its log group, fix the cause; what it was doing is retried or "
        "dead-lettered as docs/operations.md describes for this function.",
    )
    throttles = alarm(
        "ThrottlesAlarm",
        function.metric_throttles(period=FUNCTION_ALARM_PERIOD, statistic=cloudwatch.Stats.SUM),
        f"The {name} Lambda was throttled: the account's (or its reserved) concurrency ran out. API callers got an "
        "error answer; queues and the table stream wait and retry. Check ConcurrentExecutions in the account and "
        "which function uses it; ask AWS for a higher limit if the load is real.",
    )
    return errors, throttles


def _acknowledge_runtime_findings(function: lambda_.Function, role: iam.Role, *, also_unscoped: str = "") -> None:
    """The findings every function of the project shares, with their reasons; `also_unscoped` names the
    function's own actions that support no resource-level permission, with why."""
    Validations.of(function).acknowledge(
        Acknowledgment(
            id="AwsSolutions-L1",
            reason=f"Pinned to python{LAMBDA_PYTHON_VERSION} in infra/constants.py, the interpreter the project is "
            "built and tested with: `make layer` ships binary wheels and precompiled bytecode for exactly that "
            "version. Upgrade it together with the build interpreter.",
        )
    )
    # Lambda active tracing adds xray:PutTraceSegments/PutTelemetryRecords, which have no resource-level scope.
    Validations.of(role).acknowledge(
        Acknowledgment(
            id="AwsSolutions-IAM5[Resource::*]",
            reason="Only the X-Ray actions Lambda active tracing adds (xray:PutTraceSegments, "
            "xray:PutTelemetryRecords): X-Ray supports no resource-level permissions for them."
            + (f" Also {also_unscoped}" if also_unscoped else ""),
        )
    )


class DomainFunction(Construct):
    """A function of the project with its own log group, alarms on its errors and throttles, and a role that
    may write to that log group and (through active tracing) to X-Ray; the caller grants the rest.
    `environment`: the function's own settings (the runtime's are added); `also_unscoped`: the caller's grants
    that support no resource-level permission, and why (cdk-nag IAM5); `retry_attempts` and `on_failure`: for
    a function invoked asynchronously, how often Lambda retries a failed invocation and where it then goes."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: StageConfig,
        name: str,
        description: str,
        handler: str,
        timeout: Duration,
        layer: lambda_.ILayerVersion,
        environment: dict[str, str],
        memory_size: int = 256,
        also_unscoped: str = "",
        retry_attempts: int | None = None,
        on_failure: lambda_.IDestination | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        self.log_group = logs.LogGroup(self, "Logs", retention=config.log_retention, removal_policy=config.removal_policy)
        self.role = InlinePolicyRole(
            self, "Role", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"), description=f"dss-{config.name} {name} Lambda"
        )
        self.role.add_to_policy(
            iam.PolicyStatement(actions=["logs:CreateLogStream", "logs:PutLogEvents"], resources=[self.log_group.log_group_arn])
        )
        self.function = lambda_.Function(
            self,
            "Function",
            description=description,
            runtime=LAMBDA_RUNTIME,
            architecture=LAMBDA_ARCHITECTURE,
            handler=handler,
            code=_function_code(),
            layers=[layer],
            memory_size=memory_size,
            timeout=timeout,
            role=self.role,
            log_group=self.log_group,
            tracing=lambda_.Tracing.ACTIVE,  # traced by the runtime; no X-Ray SDK on the request path
            environment={**environment, **runtime_environment(config)},
            retry_attempts=retry_attempts,
            on_failure=on_failure,
        )
        _acknowledge_runtime_findings(self.function, self.role, also_unscoped=also_unscoped)
        self.errors_alarm, self.throttles_alarm = _function_alarms(self, self.function, name)

    def grant(self, *statements: iam.PolicyStatement) -> None:
        for statement in statements:
            self.role.add_to_policy(statement)
