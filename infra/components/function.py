"""A Lambda function of the project: its code and dependency layer, its own log group, and a role that
starts with nothing but that log group and X-Ray; each component grants its function the rest."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from infra.components.cases import acknowledge_runtime_findings, function_code, runtime_environment
from infra.config import StageConfig
from infra.constants import LAMBDA_ARCHITECTURE, LAMBDA_RUNTIME


class DomainFunction(Construct):
    """A function of the project with its own log group, and a role that may write to that log group and
    (through active tracing) to X-Ray; the caller grants the rest."""

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
        **function_options,
    ) -> None:
        super().__init__(scope, construct_id)
        self.log_group = logs.LogGroup(self, "Logs", retention=config.log_retention, removal_policy=config.removal_policy)
        self.role = iam.Role(
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
            code=function_code(),
            layers=[layer],
            memory_size=memory_size,
            timeout=timeout,
            role=self.role,
            log_group=self.log_group,
            tracing=lambda_.Tracing.ACTIVE,
            environment={**environment, **runtime_environment(config)},
            **function_options,
        )
        acknowledge_runtime_findings(self.function, self.role)

    def grant(self, *statements: iam.PolicyStatement) -> None:
        for statement in statements:
            self.role.add_to_policy(statement)
