"""The guide's 20 Move, Add and Change (MAC) types and the form fields each needs: the one catalog the
service-request form is built from and its `fields` are checked against (docs/architecture.md, Domain rules).

The data (`service_request_catalog.py`) is validated into the catalog's models below at import, so a
malformed entry fails the first test run; each type's form is a pydantic model built from its fields."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from functools import cache
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, create_model, model_validator
from pydantic_core import PydanticCustomError

from functions.cases.models.service_request_catalog import CATALOG_DATA
from functions.shared.models import ApiModel

MAC_RULE = (
    "Only MAC-authorized contacts may request Moves, Adds and Changes; "
    "ask your account's MAC-authorized contact or your Technical Account Manager."
)


class MacFieldType(StrEnum):
    STRING = "string"  # one line
    TEXT = "text"  # several lines
    DATE = "date"  # YYYY-MM-DD
    EMAIL = "email"
    PHONE_NUMBER = "phone-number"
    CHOICE = "choice"  # one of `choices`
    INTEGER = "integer"  # between `minimum` and `maximum`
    BOOLEAN = "boolean"


TEXT_TYPES = frozenset({MacFieldType.STRING, MacFieldType.TEXT, MacFieldType.EMAIL, MacFieldType.PHONE_NUMBER})
# Applied where an entry names no maxLength, so every text field the form shows has one.
DEFAULT_MAX_LENGTH = {MacFieldType.STRING: 255, MacFieldType.TEXT: 4000, MacFieldType.EMAIL: 254, MacFieldType.PHONE_NUMBER: 32}


class MacField(ApiModel):
    name: str = Field(pattern=r"^[a-z][A-Za-z0-9]{0,63}$", description="The key in the request's `fields`.")
    label: str
    type: MacFieldType
    required: bool = False
    max_length: int | None = Field(default=None, ge=1, description="Characters, for string, text, email and phone-number fields.")
    minimum: int | None = Field(default=None, description="Integer fields only: the smallest accepted value.")
    maximum: int | None = Field(default=None, description="Integer fields only: the largest accepted value.")
    choices: list[str] | None = Field(default=None, min_length=2, description="Choice fields only: the accepted values.")
    help: str | None = None

    @model_validator(mode="after")
    def _fits_its_type(self) -> MacField:
        if (self.type is MacFieldType.CHOICE) != (self.choices is not None):
            raise ValueError(f"{self.name}: choice fields, and only they, list choices")
        bounded = self.minimum is not None and self.maximum is not None
        if (self.type is MacFieldType.INTEGER) != bounded:
            # Bounds keep every stored number within DynamoDB's 38 digits.
            raise ValueError(f"{self.name}: integer fields, and only they, have a minimum and a maximum")
        if self.type in TEXT_TYPES:
            self.max_length = self.max_length or DEFAULT_MAX_LENGTH[self.type]
        elif self.max_length is not None:
            raise ValueError(f"{self.name}: only text fields have a maxLength")
        return self


class MacType(ApiModel):
    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", description="Send it as `macType`.", examples=["add-user"])
    name: str = Field(description="As the guide names it.", examples=["Add A User"])
    description: str
    time_and_material: bool = Field(default=False, description="Handled on a Time & Material (T&M) contract basis.")
    fields: list[MacField]

    @model_validator(mode="after")
    def _has_a_form(self) -> MacType:
        names = [field.name for field in self.fields]
        if len(set(names)) != len(names):
            raise ValueError(f"{self.id}: field names repeat")
        if not any(field.required for field in self.fields):
            raise ValueError(f"{self.id}: needs at least one required field")
        return self


class ServiceRequestCatalog(ApiModel):
    rule: str = Field(default=MAC_RULE, description="Who may open a service request.")
    mac_types: list[MacType]

    @model_validator(mode="after")
    def _ids_are_unique(self) -> ServiceRequestCatalog:
        ids = [mac_type.id for mac_type in self.mac_types]
        if len(set(ids)) != len(ids):
            raise ValueError("MAC type ids repeat")
        return self


SERVICE_REQUEST_CATALOG = ServiceRequestCatalog(mac_types=CATALOG_DATA)
MAC_TYPES: dict[str, MacType] = {mac_type.id: mac_type for mac_type in SERVICE_REQUEST_CATALOG.mac_types}


# --- The forms -----------------------------------------------------------------------------------

# Whole-value patterns (\A...\Z) for Python's `re`, the forms' regex engine: pydantic's default (Rust)
# has no lookahead, and its `\s` is not Python's.
DATE_PATTERN = r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}\Z"  # date.fromisoformat alone also takes 20260101 and week dates
EMAIL_PATTERN = r"\A[^@\s]+@[^@\s]+\.[^@\s.]+\Z"
# At least 3 digits: short internal numbers are extensions, still numbers.
PHONE_NUMBER_PATTERN = r"\A(?=(?:[^0-9]*[0-9]){3})\+?[0-9][0-9 ().-]*\Z"


def _is_a_date(value: str) -> str:
    try:
        date.fromisoformat(value)
    except ValueError:
        raise PydanticCustomError("date_invalid", "not a date of the calendar") from None
    return value


class MacForm(BaseModel):
    """A MAC type's `fields`, as its form defines them: values as sent (strict: `"1"` is not `1`), names
    not on the form refused. Text is trimmed, and a blank or null value is a field left empty: not kept,
    and missing if the field is required. Fields go by their catalog names (aliases), so no name can
    clash with the model's own attributes."""

    model_config = ConfigDict(extra="forbid", strict=True, regex_engine="python-re")

    @model_validator(mode="before")
    @classmethod
    def _blank_is_not_given(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        names = {field.alias for field in cls.model_fields.values()}
        trimmed = {name: value.strip() if isinstance(value, str) else value for name, value in data.items()}
        return {name: value for name, value in trimmed.items() if name not in names or not (value is None or value == "")}

    def given(self) -> dict[str, Any]:
        """The values as the form names them, only those given (in the form's order)."""
        return self.model_dump(by_alias=True, exclude_unset=True)


def _value_type(field: MacField) -> Any:
    """The type a value of `field` must have (a runtime type expression, hence Any)."""
    match field.type:
        case MacFieldType.BOOLEAN:
            return bool
        case MacFieldType.INTEGER:
            return Annotated[int, Field(ge=field.minimum, le=field.maximum)]
        case MacFieldType.CHOICE:
            return Literal.__getitem__(tuple(field.choices or ()))
        case MacFieldType.DATE:
            return Annotated[str, StringConstraints(pattern=DATE_PATTERN), AfterValidator(_is_a_date)]
        case MacFieldType.EMAIL:
            return Annotated[str, StringConstraints(max_length=field.max_length, pattern=EMAIL_PATTERN)]
        case MacFieldType.PHONE_NUMBER:
            return Annotated[str, StringConstraints(max_length=field.max_length, pattern=PHONE_NUMBER_PATTERN)]
        case _:
            return Annotated[str, StringConstraints(max_length=field.max_length)]


@cache
def mac_form(mac_type_id: str) -> type[MacForm]:
    """The form model of the catalog's `mac_type_id`, built on its first use: a request validates one
    form, and building all 20 at import measured 55-90 ms of every cold start. KeyError for an unknown id."""
    return form_model(MAC_TYPES[mac_type_id])


def form_model(mac_type: MacType) -> type[MacForm]:
    """A pydantic model of `mac_type`'s form: one field per form field, named by it (an alias)."""
    definitions: dict[str, Any] = {
        f"field_{index}": (
            _value_type(field) if field.required else _value_type(field) | None,
            Field(... if field.required else None, alias=field.name, title=field.label, description=field.help),
        )
        for index, field in enumerate(mac_type.fields)
    }
    name = "".join(word.capitalize() for word in mac_type.id.split("-")) + "Form"
    return create_model(name, __base__=MacForm, __doc__=mac_type.description, **definitions)
