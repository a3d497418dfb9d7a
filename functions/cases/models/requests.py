"""What a caller may send. Unknown fields are refused so a typo never silently drops data, and values are
taken as sent (strict): `0` is not `false`, `"1"` is not `1`."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, AwareDatetime, BeforeValidator, Field, Strict, StringConstraints, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from functions.cases.models.case import CaseSubType, CaseType, EnvironmentType, Priority
from functions.cases.models.service_requests import MAC_TYPES
from functions.shared.models import RequestModel
from functions.shared.text_limits import (
    Choice,
    Identifier,
    LongText,
    ShortText,
    utf8_bytes_at_most,
    utf8_size,
)

# A service request's form (`fields`): the catalog's longest text field is 8,000 characters, so 32 KiB holds
# any valid value of 4-byte characters, and 64 KiB any valid form.
MAX_FORM_VALUE_BYTES = 32 * 1024
MAX_FORM_BYTES = 64 * 1024


class OnBehalfOf(RequestModel):
    """Staff only: the customer account and contact an engineer opens the case for (phone channel)."""

    account_id: Identifier
    contact_id: Identifier


class _NewCaseBase(RequestModel):
    subject: ShortText
    description: LongText = Field(description="Be as descriptive as possible, including any recent changes.")
    priority: Annotated[Priority, Choice] = Field(
        default=Priority.LOW, description="The web allows 4-Low (default) or 3-Medium; High and Prod Down are opened by phone."
    )
    on_behalf_of: OnBehalfOf | None = Field(
        default=None, description="Staff only: whose case this is. Customers' cases are web cases; staff record phone cases."
    )


MAX_MAINTENANCE_WINDOW = timedelta(hours=72)  # the monitoring alerts spec, "Maintenance mode"
MAX_MAINTENANCE_DEVICES = 100
TIMESTAMP_EXAMPLE = "2026-12-12T08:00:00-05:00"


def _timestamp_text(value: Any) -> Any:
    """A time is sent as ISO-8601 text with its offset (strict models take no number of seconds for one)."""
    if not isinstance(value, str):
        raise PydanticCustomError(
            "datetime_text", "send the date and time as ISO-8601 text with its offset, e.g. {example}", {"example": TIMESTAMP_EXAMPLE}
        )
    if not value.strip():
        raise PydanticCustomError("datetime_missing", "required: the date and time, e.g. {example}", {"example": TIMESTAMP_EXAMPLE})
    return value


EARLIEST, LATEST = datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC)


def _this_century(moment: datetime) -> datetime:
    """A time of this century (year 1 with an offset of +23:59 is no instant UTC can hold)."""
    try:
        utc = moment.astimezone(UTC)
    except OverflowError:
        utc = EARLIEST - timedelta(days=1)
    if not EARLIEST <= utc < LATEST:
        raise PydanticCustomError("datetime_range", "a date and time between 2000 and 2099, e.g. {example}", {"example": TIMESTAMP_EXAMPLE})
    return moment


# An instant a caller sends: ISO-8601 text with its offset (`Z` or `-05:00`); stored and answered in UTC.
RequestTimestamp = Annotated[AwareDatetime, BeforeValidator(_timestamp_text), Strict(False), AfterValidator(_this_century)]
DEVICE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$")  # the alerts domain's Identifier: what a window names


def _device_name(name: str) -> str:
    if not DEVICE_PATTERN.fullmatch(name):
        raise PydanticCustomError(
            "device_name", "a device is named as monitoring names it: 1 to 64 letters, digits, '_', '.', ':' or '-', from a letter or digit"
        )
    return name


DeviceName = Annotated[
    str,
    StringConstraints(strip_whitespace=True),
    AfterValidator(_device_name),
    Field(description="A device as monitoring names it (an alert's source).", json_schema_extra={"pattern": DEVICE_PATTERN.pattern}),
]


class NewCaseMaintenanceWindow(RequestModel):
    """Maintenance that will impact services (the guide: open a case for it, and support puts the monitoring platform
    into Maintenance Mode): from startsAt until endsAt, monitoring alerts of the devices listed (or of every device)
    are recorded but notify nobody."""

    starts_at: RequestTimestamp = Field(
        description=f"When the maintenance starts (ISO-8601 with offset, e.g. {TIMESTAMP_EXAMPLE}); a time passed starts it at once."
    )
    ends_at: RequestTimestamp = Field(description="When it ends: after startsAt, at most 72 hours later, and in the future.")
    devices: list[DeviceName] | None = Field(
        default=None,
        max_length=MAX_MAINTENANCE_DEVICES,
        description=f"The devices affected (at most {MAX_MAINTENANCE_DEVICES}); leave it out for every device of the account.",
        json_schema_extra={"minItems": 1},
    )

    @field_validator("ends_at")
    @classmethod
    def _within_72_hours(cls, ends_at: datetime, info: ValidationInfo) -> datetime:
        starts_at = info.data.get("starts_at")
        if starts_at is None:  # refused itself
            return ends_at
        if ends_at <= starts_at:
            raise ValueError("endsAt must be after startsAt")
        if ends_at - starts_at > MAX_MAINTENANCE_WINDOW:
            raise ValueError("a maintenance window lasts at most 72 hours from startsAt; for longer maintenance open a case per window")
        return ends_at

    @field_validator("devices")
    @classmethod
    def _named_once(cls, devices: list[str] | None) -> list[str] | None:
        if devices is None:
            return None
        if not devices:
            raise ValueError("name at least one device, or leave devices out for every device of the account")
        return list(dict.fromkeys(devices))  # each once, in the order given


class NewSupportCase(_NewCaseBase):
    case_type: Literal[CaseType.SUPPORT]
    case_sub_type: Annotated[CaseSubType, Choice]
    environment_type: Annotated[EnvironmentType, Choice]
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
    maintenance_window: NewCaseMaintenanceWindow | None = Field(
        default=None,
        description="A case that announces maintenance: the window during which monitoring is put into maintenance mode.",
    )


class NewAdminCase(_NewCaseBase):
    """A problem with a portal account (user name, password, access)."""

    case_type: Literal[CaseType.ADMIN]


def _form_value_fits(value: Any) -> Any:
    """One value of a form is a single value; the catalog then checks its type against the field's."""
    if isinstance(value, (dict, list)):
        raise PydanticCustomError("form_value_type", "a form value is text, a number, true, false or null, not a list or an object")
    if isinstance(value, str) and (size := utf8_size(value)) > MAX_FORM_VALUE_BYTES:
        raise PydanticCustomError(
            "string_too_many_bytes",
            "String should have at most {limit} bytes in UTF-8 ({size} given)",
            {"limit": f"{MAX_FORM_VALUE_BYTES:,}", "size": f"{size:,}"},
        )
    return value


def _form_fits(form: dict[str, Any]) -> dict[str, Any]:
    """What the form stores (its names and values in UTF-8; JSON's escapes are not stored) within the cap."""
    size = sum(utf8_size(name) + (utf8_size(value) if isinstance(value, str) else len(json.dumps(value))) for name, value in form.items())
    if size > MAX_FORM_BYTES:
        raise PydanticCustomError(
            "form_too_large",
            "the form should hold at most {limit} bytes in UTF-8, names and values ({size} given)",
            {"limit": f"{MAX_FORM_BYTES:,}", "size": f"{size:,}"},
        )
    return form


FormValue = Annotated[Any, AfterValidator(_form_value_fits)]


class NewServiceRequest(_NewCaseBase):
    """A Move, Add or Change (MAC); only MAC-authorized contacts may request one."""

    case_type: Literal[CaseType.SERVICE_REQUEST]
    mac_type: str = Field(
        max_length=64,
        description="The MAC type's id; GET /catalog/service-requests lists them with their fields.",
        json_schema_extra={"enum": list(MAC_TYPES)},
    )
    fields: Annotated[dict[Annotated[str, StringConstraints(max_length=64)], FormValue], AfterValidator(_form_fits)] = Field(
        max_length=64,
        description=(
            "The MAC type's form: field name to value (text, a whole number, true or false), as the catalog defines them; "
            f"a text value is at most {MAX_FORM_VALUE_BYTES:,} bytes in UTF-8, the whole form (names and values) {MAX_FORM_BYTES:,}."
        ),
    )


MAX_ALERT_REFERENCES = 20
AlertReference = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255), utf8_bytes_at_most(1024)]


class NewProactiveCase(_NewCaseBase):
    """Support staff only, on behalf of a contact (`onBehalfOf`): a case an engineer opens from monitoring
    telemetry (recurring alerts, flapping keys), 4-Low or 3-Medium."""

    case_type: Literal[CaseType.PROACTIVE]
    alert_references: list[AlertReference] | None = Field(
        default=None,
        max_length=MAX_ALERT_REFERENCES,
        description=f"The alerts it is about, by their dedup keys (at most {MAX_ALERT_REFERENCES}).",
    )


NewCaseRequest = Annotated[NewSupportCase | NewAdminCase | NewServiceRequest | NewProactiveCase, Field(discriminator="case_type")]


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


class CaseQueue(StrEnum):
    """The support staff's work queues across accounts (non-closed cases only)."""

    UNASSIGNED = "unassigned"
    MINE = "mine"
    RESPONSE_DUE = "response-due"
    WAITING_ON_CUSTOMER = "waiting-on-customer"
    REGION = "region"
