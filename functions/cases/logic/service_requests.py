"""Service requests (MACs): who may open one, and checking its `fields` against its MAC type's form."""

from __future__ import annotations

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from functions.cases.models.records import Account
from functions.cases.models.requests import NewServiceRequest
from functions.cases.models.service_requests import MAC_RULE, MAC_TYPES, MacField, MacFieldType, MacType, mac_form
from functions.shared.auth import Caller
from functions.shared.errors import Forbidden, ValidationFailed

# What a value that does not match its field's pattern must look like.
_FORMAT_HINTS = {
    MacFieldType.DATE: "must be a date as YYYY-MM-DD",
    MacFieldType.EMAIL: "must be an email address, e.g. name@example.com",
    MacFieldType.PHONE_NUMBER: "must be a phone number, e.g. +1 317 555 0100",
}


def service_request_details(request: NewServiceRequest, caller: Caller) -> dict:
    """The Case fields of a service request, once the caller may open it and its form is complete.
    Staff open them for a contact, whose authorization `check_mac_contact` checks against the account."""
    if not caller.is_staff and not caller.is_mac_authorized:
        raise Forbidden(MAC_RULE)
    return {
        "mac_type": request.mac_type,
        "mac_fields": validate_mac_fields(request.mac_type, request.fields),
        "time_and_material": MAC_TYPES[request.mac_type].time_and_material,
    }


def check_mac_contact(account: Account, contact_id: str) -> None:
    """Staff taking a MAC request by phone: the contact must be one of the account's MAC-authorized (the
    directory's word, as for a contact opening one on the web: `Caller.is_mac_authorized`)."""
    contact = account.contacts.get(contact_id)
    if contact is None or not contact.mac_authorized:
        raise Forbidden(
            f"Contact {contact_id} is not MAC-authorized for account {account.account_id}. "
            "Only MAC-authorized contacts may request Moves, Adds and Changes; take the request from one of them.",
            field="onBehalfOf.contactId",
        )


def validate_mac_fields(mac_type: str, fields: dict) -> dict:
    """The form's values, validated by `mac_type`'s form model and normalised (text stripped; empty and
    null values dropped as not given). Raises ValidationFailed naming `fields.<name>`: a name not on the
    form first, else the first field in the form's order that is missing or wrong."""
    definition = MAC_TYPES.get(mac_type)
    if definition is None:
        raise ValidationFailed(
            f"macType: {mac_type!r} is not a MAC type; use one of {', '.join(MAC_TYPES)} (GET /catalog/service-requests).",
            field="macType",
        )
    try:
        return mac_form(mac_type).model_validate(fields).given()
    except ValidationError as invalid:
        errors = invalid.errors()
        first = next((error for error in errors if error["type"] == "extra_forbidden"), errors[0])
        name = str(first["loc"][0])
        raise ValidationFailed(f"fields.{name}: {_problem(definition, name, first)}.", field=f"fields.{name}") from None


def _problem(definition: MacType, name: str, error: ErrorDetails) -> str:
    """What is wrong with field `name`, worded for the caller (pydantic's own words name its types)."""
    fields = {field.name: field for field in definition.fields}
    field: MacField | None = fields.get(name)
    kind, given = error["type"], error["input"]
    if field is None or kind == "extra_forbidden":
        return f"not a field of {definition.name}; its fields are {', '.join(fields)}"
    if kind == "missing":
        return f"required for {definition.name} ({field.label})"
    if kind == "bool_type":
        return "must be true or false"
    if kind == "int_type":
        return "must be a whole number"
    if kind == "greater_than_equal":
        return f"must be at least {field.minimum}"
    if kind == "less_than_equal":
        return f"must be at most {field.maximum}"
    if kind == "string_type" or (kind == "literal_error" and not isinstance(given, str)):
        return "must be a string"
    if kind == "literal_error":
        return f"must be one of {', '.join(field.choices or ())}"
    if kind == "string_too_long":
        return f"at most {field.max_length} characters ({len(given)} given)"
    return _FORMAT_HINTS.get(field.type, error["msg"])
