"""Service requests (MACs): who may open one, and checking its `fields` against its MAC type's form."""

from __future__ import annotations

import re
from datetime import date

from functions.cases.models.records import Account
from functions.cases.models.requests import NewServiceRequest
from functions.cases.models.service_requests import MAC_RULE, MAC_TYPES, MacField, MacFieldType
from functions.shared.auth import Caller
from functions.shared.errors import Forbidden, ValidationFailed

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # date.fromisoformat alone also takes 20260101 and week dates
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
_PHONE_NUMBER = re.compile(r"\+?[0-9][0-9 ().-]*")
_MIN_PHONE_DIGITS = 3  # short internal numbers are extensions, still numbers


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
    """Staff taking a MAC request by phone: the contact must be one of the account's MAC-authorized."""
    if not account.contacts.get(contact_id, {}).get("macAuthorized", False):
        raise Forbidden(
            f"Contact {contact_id} is not MAC-authorized for account {account.account_id}. "
            "Only MAC-authorized contacts may request Moves, Adds and Changes; take the request from one of them.",
            field="onBehalfOf.contactId",
        )


def validate_mac_fields(mac_type: str, fields: dict) -> dict:
    """The form's values, checked against `mac_type`'s field definitions and normalised (text stripped;
    empty and null values dropped as not given). Raises ValidationFailed naming `fields.<name>`."""
    definition = MAC_TYPES.get(mac_type)
    if definition is None:
        raise ValidationFailed(
            f"macType: {mac_type!r} is not a MAC type; use one of {', '.join(MAC_TYPES)} (GET /catalog/service-requests).",
            field="macType",
        )
    known = {field.name: field for field in definition.fields}
    for name in fields:
        if name not in known:
            raise ValidationFailed(
                f"fields.{name}: not a field of {definition.name}; its fields are {', '.join(known)}.", field=f"fields.{name}"
            )
    valid = {}
    for name, field in known.items():
        value = fields.get(name)
        if isinstance(value, str):
            value = value.strip()
        if value is None or value == "":
            if field.required:
                raise ValidationFailed(f"fields.{name}: required for {definition.name} ({field.label}).", field=f"fields.{name}")
            continue
        valid[name] = _checked(field, value)
    return valid


def _checked(field: MacField, value: object) -> object:
    problem = _problem(field, value)
    if problem:
        raise ValidationFailed(f"fields.{field.name}: {problem}.", field=f"fields.{field.name}")
    return value


def _problem(field: MacField, value: object) -> str | None:
    """What is wrong with a given (non-empty) value, or None."""
    kind = field.type
    if kind is MacFieldType.BOOLEAN:
        return None if isinstance(value, bool) else "must be true or false"
    if kind is MacFieldType.INTEGER:
        if not isinstance(value, int) or isinstance(value, bool):
            return "must be a whole number"
        if field.minimum is not None and value < field.minimum:
            return f"must be at least {field.minimum}"
        if field.maximum is not None and value > field.maximum:
            return f"must be at most {field.maximum}"
        return None
    if not isinstance(value, str):
        return "must be a string"
    if kind is MacFieldType.CHOICE:
        return None if value in field.choices else f"must be one of {', '.join(field.choices)}"
    if field.max_length is not None and len(value) > field.max_length:
        return f"at most {field.max_length} characters ({len(value)} given)"
    if kind is MacFieldType.DATE:
        return None if _DATE.fullmatch(value) and _is_date(value) else "must be a date as YYYY-MM-DD"
    if kind is MacFieldType.EMAIL:
        return None if _EMAIL.fullmatch(value) else "must be an email address, e.g. name@example.com"
    if kind is MacFieldType.PHONE_NUMBER:
        digits = sum(character.isdigit() for character in value)
        return None if _PHONE_NUMBER.fullmatch(value) and digits >= _MIN_PHONE_DIGITS else "must be a phone number, e.g. +1 317 555 0100"
    return None


def _is_date(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True
