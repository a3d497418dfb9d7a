"""What a caller may send. Unknown fields are refused so a typo never silently drops data."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from pydantic.alias_generators import to_camel

from functions.cases.models.case import CaseSubType, CaseType, EnvironmentType, Priority
from functions.cases.models.service_requests import MAC_TYPES

ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32_000)]
Identifier = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$")]


class RequestModel(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=False, extra="forbid", defer_build=True)


class OnBehalfOf(RequestModel):
    """Staff only: the customer account and contact an engineer opens the case for (phone channel)."""

    account_id: Identifier
    contact_id: Identifier


class _NewCaseBase(RequestModel):
    subject: ShortText
    description: LongText = Field(description="Be as descriptive as possible, including any recent changes.")
    priority: Priority = Field(
        default=Priority.LOW, description="The web allows 4-Low (default) or 3-Medium; High and Prod Down are opened by phone."
    )
    on_behalf_of: OnBehalfOf | None = Field(
        default=None, description="Staff only: whose case this is. Customers' cases are web cases; staff record phone cases."
    )


class NewSupportCase(_NewCaseBase):
    case_type: Literal[CaseType.SUPPORT]
    case_sub_type: CaseSubType
    environment_type: EnvironmentType
    product_group: ShortText
    product: ShortText
    major_version: ShortText
    patch_release: ShortText | None = None
    problem_category: ShortText | None = None
    end_user_account: ShortText | None = None
    sold_to_account: ShortText | None = None
    security_threat: bool = False
    business_impact: LongText | None = Field(default=None, description="e.g. number of agents or calls affected.")
    os: ShortText | None = None
    database: ShortText | None = None


class NewAdminCase(_NewCaseBase):
    """A problem with a portal account (user name, password, access)."""

    case_type: Literal[CaseType.ADMIN]


class NewServiceRequest(_NewCaseBase):
    """A Move, Add or Change (MAC); only MAC-authorized contacts may request one."""

    case_type: Literal[CaseType.SERVICE_REQUEST]
    mac_type: str = Field(
        max_length=64,
        description="The MAC type's id; GET /catalog/service-requests lists them with their fields.",
        json_schema_extra={"enum": list(MAC_TYPES)},
    )
    fields: dict[str, Any] = Field(
        max_length=64, description="The MAC type's form: field name to value, as the catalog defines them."
    )


NewCaseRequest = Annotated[NewSupportCase | NewAdminCase | NewServiceRequest, Field(discriminator="case_type")]


class CaseView(StrEnum):
    MY_NON_CLOSED = "my-non-closed"
    MY_OPEN = "my-open"
    MY_AWAITING_INFO = "my-awaiting-info"
    MY_SOLUTION_PROPOSED = "my-solution-proposed"
    MY_CLOSED = "my-closed"
    ALL_NON_CLOSED = "all-non-closed"
    ALL_OPEN = "all-open"
    ALL_AWAITING_INFO = "all-awaiting-info"
    ALL_SOLUTION_PROPOSED = "all-solution-proposed"
    ALL_CLOSED = "all-closed"

    @property
    def is_mine(self) -> bool:
        return self.value.startswith("my-")
