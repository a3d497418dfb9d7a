"""The cases API Lambda (a DomainFunction: log group, alarms on its errors and throttles) with a role that can
do exactly what functions/cases does, nothing more. A change writes its events as outbox items in its own
transaction (PutItem on CASE#); the outbox publisher (components/outbox.py), not this function, puts them on
the bus. Also what the cases domain's queue consumer (functions/cases/handlers/handle_bus_events.py) may do to
the table: its rule, queue and function are built with the purge's (components/purge.py), where they started
as the files-purged mark."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_iam as iam
from constructs import Construct

from functions.cases.dal.tables import (
    ACCOUNT_PREFIX,
    BEHIND_GA_PREFIX,
    CASE_NUMBER_COUNTER,
    CASE_PREFIX,
    IDEMPOTENCY_PREFIX,
    MONITORING_PREFIX,
    QUOTA_PREFIX,
)
from functions.shared.dal.rate_limit import RATE_PREFIX
from infra.components.data import Data
from infra.components.function import DomainFunction, on_keys
from infra.components.shared import SharedRuntime
from infra.config import StageConfig

HANDLER = "functions.cases.handlers.api.lambda_handler"
EVENTS_HANDLER = "functions.cases.handlers.handle_bus_events.lambda_handler"


def bus_events_grants(table_arn: str) -> list[iam.PolicyStatement]:
    """The queue consumer's table actions, each on the partition keys it uses it for: a case's change through
    functions/cases/logic/change_case.py (GetItem of the case; the case, its history, update, outbox items and
    the mark of the event applied, APPLIED#, all under CASE#, in one transaction, authorized per item as
    PutItem); a monitoring incident's case (GetItem of its claim, MONITORING#, and of the account, ACCOUNT#, in
    one TransactGetItems; UpdateItem of the case-number counter; PutItem of the case's items and the claim); the
    recovery's check that nobody changed the case (Query of its history, CASE#); a behind-GA case (GatewaysBehindGa: the
    account's claim, BEHINDGA#, read with the account and written with the case, as a monitoring incident's)."""
    return [
        on_keys("dynamodb:GetItem", table_arn, [f"{CASE_PREFIX}*", f"{ACCOUNT_PREFIX}*", f"{MONITORING_PREFIX}*", f"{BEHIND_GA_PREFIX}*"]),
        on_keys("dynamodb:PutItem", table_arn, [f"{CASE_PREFIX}*", f"{MONITORING_PREFIX}*", f"{BEHIND_GA_PREFIX}*"]),
        on_keys("dynamodb:UpdateItem", table_arn, [CASE_NUMBER_COUNTER]),
        on_keys("dynamodb:Query", table_arn, [f"{CASE_PREFIX}*"]),
    ]


class CasesApi(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, config: StageConfig, data: Data, shared: SharedRuntime) -> None:
        super().__init__(scope, construct_id)
        # "Default" leaves no trace in logical ids: the function, its role and its log group keep the ids they
        # had when they were built directly in this component, so a deploy updates them instead of replacing them.
        self.api = DomainFunction(
            self,
            "Default",
            config=config,
            name="cases API",
            description="Cases API: intake, views and case details",
            handler=HANDLER,
            timeout=Duration.seconds(10),
            layer=shared.layer,
            memory_size=512,
            environment={
                "TABLE_NAME": data.table.table_name,
                "PAGE_TOKEN_SECRET_ARN": shared.page_token_secret.secret_arn,
                **config.business_time,
            },
        )
        self.function = self.api.function
        self._grant_least_privilege(data, shared)

    def _grant_least_privilege(self, data: Data, shared: SharedRuntime) -> None:
        table_arn = data.table.table_arn
        self.api.grant(
            # Each item action only on the partition keys functions/cases uses it for: GetItem for cases,
            # accounts and idempotency records, PutItem for cases (and their updates and history) and
            # idempotency records (and the outbox items of a change's events, under the case's CASE# key),
            # UpdateItem for the case-number counter and the callers' change counters (the rate limit,
            # functions/shared/dal/rate_limit.py). TransactGet/WriteItems are
            # authorized per contained item as GetItem/PutItem. An installation case's entitlement markers (QUOTA#): the
            # account's read (Query), one written with the case and deleted when it is cancelled.
            on_keys("dynamodb:GetItem", table_arn, [f"{CASE_PREFIX}*", f"{ACCOUNT_PREFIX}*", f"{IDEMPOTENCY_PREFIX}*"]),
            on_keys("dynamodb:PutItem", table_arn, [f"{CASE_PREFIX}*", f"{IDEMPOTENCY_PREFIX}*", f"{QUOTA_PREFIX}*"]),
            on_keys("dynamodb:DeleteItem", table_arn, [f"{QUOTA_PREFIX}*"]),
            on_keys("dynamodb:UpdateItem", table_arn, [CASE_NUMBER_COUNTER, f"{RATE_PREFIX}*"]),
            iam.PolicyStatement(actions=["dynamodb:Query"], resources=[f"{table_arn}/index/{name}" for name in data.index_names]),
            on_keys("dynamodb:Query", table_arn, [f"{CASE_PREFIX}*", f"{QUOTA_PREFIX}*"]),  # a case's updates and history; quotas
            iam.PolicyStatement(actions=["kms:Decrypt", "kms:GenerateDataKey"], resources=[data.key.key_arn]),
            iam.PolicyStatement(actions=["secretsmanager:GetSecretValue"], resources=[shared.page_token_secret.secret_arn]),
        )
