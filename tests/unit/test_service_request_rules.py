"""validate_mac_fields against every MAC type's form, property-based; who may open a service request."""

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter

from functions.cases.logic.service_requests import check_mac_contact, service_request_details, validate_mac_fields
from functions.cases.models.records import Account
from functions.cases.models.requests import NewCaseRequest
from functions.cases.models.service_requests import MAC_RULE, MAC_TYPES, MacField, MacFieldType
from functions.shared.auth import caller_from_claims
from functions.shared.dal.directory import ContactEntry
from functions.shared.errors import Forbidden, ValidationFailed

mac_types = st.sampled_from(list(MAC_TYPES.values()))
# Any text a form may hold, without surrogates (not UTF-8 encodable) and without the edges validation trims.
printable = st.characters(exclude_categories=("Cs",))


def trimmed_text(max_size: int):
    return st.text(printable, min_size=1, max_size=max_size).map(str.strip).filter(bool)


def valid_value(field: MacField):
    match field.type:
        case MacFieldType.STRING | MacFieldType.TEXT:
            return trimmed_text(field.max_length)
        case MacFieldType.DATE:
            return st.dates().map(lambda day: day.isoformat())
        case MacFieldType.EMAIL:
            return st.from_regex(r"[a-z0-9._%+-]{1,40}@[a-z0-9-]{1,40}\.[a-z]{2,10}", fullmatch=True)
        case MacFieldType.PHONE_NUMBER:
            return st.from_regex(r"\+?[0-9]{1,3}[ -]?\(?[0-9]{3}\)?[ .-]?[0-9]{3}[ .-]?[0-9]{4}", fullmatch=True)
        case MacFieldType.CHOICE:
            return st.sampled_from(field.choices)
        case MacFieldType.INTEGER:
            return st.integers(field.minimum, field.maximum)
        case MacFieldType.BOOLEAN:
            return st.booleans()


@st.composite
def complete_forms(draw, mac_type=mac_types):
    """A MAC type and a valid form for it: every required field, any of the optional ones."""
    chosen = draw(mac_type)
    form = {field.name: draw(valid_value(field)) for field in chosen.fields if field.required or draw(st.booleans())}
    return chosen, form


def wrong_value(field: MacField):
    """A JSON value of the wrong type for the field, or of the right type that it must refuse."""
    not_text = st.one_of(
        st.integers(), st.booleans(), st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=3), st.integers())
    )
    match field.type:
        case MacFieldType.BOOLEAN:
            return st.one_of(st.integers(), trimmed_text(5), st.floats(allow_nan=False))
        case MacFieldType.INTEGER:
            too_small, too_big = st.integers(max_value=field.minimum - 1), st.integers(min_value=field.maximum + 1)
            return st.one_of(st.booleans(), st.floats(allow_nan=False), trimmed_text(5), too_small, too_big)
        case MacFieldType.CHOICE:
            return st.one_of(not_text, trimmed_text(20).filter(lambda text: text not in field.choices))
        case MacFieldType.DATE:
            return st.one_of(not_text, st.dates().map(lambda day: day.strftime("%m/%d/%Y")), st.just("2026-02-30"), st.just("20261201"))
        case MacFieldType.EMAIL:
            return st.one_of(not_text, st.text(st.characters(exclude_characters="@"), min_size=1, max_size=30).map(str.strip).filter(bool))
        case MacFieldType.PHONE_NUMBER:
            return st.one_of(not_text, st.from_regex(r"[A-Za-z]{1,10}", fullmatch=True), st.just("12"))
        case _:
            return st.one_of(not_text, st.integers(1, 50).map(lambda extra: "x" * (field.max_length + extra)))


@given(complete_forms())
def test_a_complete_form_is_accepted_as_given(case):
    mac_type, form = case
    assert validate_mac_fields(mac_type.id, form) == form


@given(complete_forms(), st.data())
def test_padding_is_trimmed_and_blank_optional_fields_are_dropped(case, data):
    mac_type, form = case
    padded = {name: f"  {value}\n" if isinstance(value, str) else value for name, value in form.items()}
    blank = {
        field.name: data.draw(st.sampled_from(["", "   ", None]))
        for field in mac_type.fields
        if not field.required and field.name not in form
    }
    assert validate_mac_fields(mac_type.id, {**padded, **blank}) == form


@given(complete_forms(), st.data())
def test_a_missing_or_blank_required_field_is_named(case, data):
    mac_type, form = case
    missing = data.draw(st.sampled_from([field.name for field in mac_type.fields if field.required]))
    variants = [{k: v for k, v in form.items() if k != missing}, {**form, missing: None}]
    if any(field.name == missing and field.type in (MacFieldType.STRING, MacFieldType.TEXT) for field in mac_type.fields):
        variants.append({**form, missing: " \t "})
    for variant in variants:
        with pytest.raises(ValidationFailed, match="required") as refused:
            validate_mac_fields(mac_type.id, variant)
        assert refused.value.field == f"fields.{missing}"


@given(complete_forms(), st.text(min_size=1, max_size=30))
def test_an_unknown_field_is_named(case, name):
    mac_type, form = case
    if name in {field.name for field in mac_type.fields}:
        return
    with pytest.raises(ValidationFailed, match="not a field") as refused:
        validate_mac_fields(mac_type.id, {**form, name: "x"})
    assert refused.value.field == f"fields.{name}"


@settings(max_examples=300)
@given(complete_forms(), st.data())
def test_a_wrong_value_is_named(case, data):
    mac_type, form = case
    field = data.draw(st.sampled_from(mac_type.fields))
    with pytest.raises(ValidationFailed) as refused:
        validate_mac_fields(mac_type.id, {**form, field.name: data.draw(wrong_value(field))})
    assert refused.value.field == f"fields.{field.name}"
    assert refused.value.status == 422


@given(complete_forms(), st.data())
def test_of_several_problems_an_unknown_name_comes_first_then_the_forms_order(case, data):
    mac_type, form = case
    wrong = data.draw(st.lists(st.sampled_from(mac_type.fields), min_size=1, max_size=3, unique_by=lambda field: field.name))
    broken = {**form, **{field.name: data.draw(wrong_value(field)) for field in wrong}}
    order = [field.name for field in mac_type.fields]
    with pytest.raises(ValidationFailed) as refused:
        validate_mac_fields(mac_type.id, broken)
    assert refused.value.field == f"fields.{min((field.name for field in wrong), key=order.index)}"
    with pytest.raises(ValidationFailed, match="not a field") as refused:
        validate_mac_fields(mac_type.id, {**broken, "zzUnknown": "x"})
    assert refused.value.field == "fields.zzUnknown"


def test_an_unknown_mac_type_lists_the_ids():
    with pytest.raises(ValidationFailed, match="add-user, delete-user") as refused:
        validate_mac_fields("rename-user", {})
    assert refused.value.field == "macType"


# --- who may open one ---------------------------------------------------------------------------

CONTACT = {"sub": "u-1", "cognito:groups": "customer-contacts", "custom:account_id": "acme", "custom:contact_id": "c-1"}
# MAC authorization is the directory's word (functions/shared/caller_directory.py), not the Cognito group's.
MAC_CONTACT = replace(caller_from_claims(CONTACT), mac_authorized=True)
ENGINEER = caller_from_claims({"sub": "u-e", "cognito:groups": "engineers"})
ACME_CONTACTS = {"c-1": {"macAuthorized": True}, "c-2": {"macAuthorized": False}, "c-3": {}}
ACME = Account("acme", "Acme", "north-america", {contact_id: ContactEntry.from_map(entry) for contact_id, entry in ACME_CONTACTS.items()})


def service_request(**overrides):
    body = {"caseType": "Service Request", "macType": "other", "fields": {"requestDescription": "x"}, "subject": "s", "description": "d"}
    return TypeAdapter(NewCaseRequest).validate_python({**body, **overrides})


def test_only_mac_authorized_contacts_and_staff_get_past_the_rule():
    with pytest.raises(Forbidden) as refused:
        service_request_details(service_request(), caller_from_claims(CONTACT))
    assert refused.value.message == MAC_RULE
    expected = {"mac_type": "other", "mac_fields": {"requestDescription": "x"}, "time_and_material": True}
    assert service_request_details(service_request(), MAC_CONTACT) == expected
    assert service_request_details(service_request(), ENGINEER) == expected


def test_the_mac_rule_comes_before_the_form():
    with pytest.raises(Forbidden):
        service_request_details(service_request(fields={}), caller_from_claims(CONTACT))


@pytest.mark.parametrize("contact_id, allowed", [("c-1", True), ("c-2", False), ("c-3", False)])
def test_staff_open_them_only_for_contacts_the_directory_marks_mac_authorized(contact_id, allowed):
    if allowed:
        check_mac_contact(ACME, contact_id)
    else:
        with pytest.raises(Forbidden) as refused:
            check_mac_contact(ACME, contact_id)
        assert refused.value.field == "onBehalfOf.contactId"
