"""A monitoring integration: how one customer account's monitors send alerts to the desk (the spec's
"Intake"). Its credentials (the PagerDuty-style routing key, the Standard Webhooks secret) are derived from
a master secret, the integration id and a key generation (functions/alerts/logic/credentials.py): the item
stores which generations are valid, never a secret."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Annotated

from pydantic import Field, StringConstraints, field_validator

from functions.shared.clock import UtcTimestamp
from functions.shared.models import Actor, ApiModel, RequestModel
from functions.shared.text_limits import Identifier, ShortText

# The spec: after a rotation the previous key keeps working for 24 hours, time to change every sender.
ROTATION_OVERLAP = timedelta(hours=24)


class IntegrationStatus(StrEnum):
    ACTIVE = "active"
    DISABLED = "disabled"


AwsAccountId = Annotated[str, StringConstraints(pattern=r"^\d{12}$")]
MAX_AWS_ACCOUNTS = 10


class NewIntegration(RequestModel):
    account_id: Identifier = Field(description="The customer account whose monitors send through it.")
    name: ShortText = Field(description="What sends through it, e.g. `Alertmanager (prod)`.")
    aws_account_ids: list[AwsAccountId] | None = Field(
        default=None,
        max_length=MAX_AWS_ACCOUNTS,
        description="AWS accounts whose events on the dss-monitoring bus (CloudWatch alarm state changes, `dss.monitoring` events) "
        "are this integration's; each sends through one integration only.",
    )

    @field_validator("aws_account_ids")
    @classmethod
    def _each_account_once(cls, accounts: list[str] | None) -> list[str] | None:
        if accounts and len(set(accounts)) != len(accounts):
            raise ValueError("names an AWS account twice; list each account once")
        return accounts


class Integration(ApiModel):
    integration_id: str
    account_id: str
    name: str
    status: IntegrationStatus
    generation: int = Field(description="The current key generation; a rotation adds one.")
    previous_generation_valid_until: UtcTimestamp | None = Field(
        default=None, description="Until when the key before the last rotation is still accepted (UTC); null: it is not."
    )
    created_by: Actor
    created_at: UtcTimestamp
    modified_at: UtcTimestamp
    version: int = Field(ge=1)
    aws_account_ids: list[str] = Field(default_factory=list, description="AWS accounts sending on the dss-monitoring bus through it.")

    def accepts(self, generation: int, now: datetime) -> bool:
        """Whether a credential of that key generation is valid now."""
        if self.status is not IntegrationStatus.ACTIVE:
            return False
        if generation == self.generation:
            return True
        until = self.previous_generation_valid_until
        return generation == self.generation - 1 and until is not None and now < until


class IntegrationCredentials(ApiModel):
    """What a sender is configured with; shown to staff only."""

    routing_key: str = Field(description="PagerDuty Events API v2 `routing_key` for POST /alerts/v1/enqueue.")
    webhook_url_path: str = Field(description="The signed webhook's path, under the API's URL.")
    webhook_secret: str = Field(description="Standard Webhooks secret (`whsec_…`) for that path.")


class IntegrationAnswer(Integration):
    credentials: IntegrationCredentials | None = Field(default=None, description="The current generation's credentials (staff only).")


class IntegrationList(ApiModel):
    items: list[Integration]
    next_token: str | None = None
