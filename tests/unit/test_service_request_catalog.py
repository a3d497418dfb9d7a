"""The MAC catalog against the guide's "Service Request Cases" list."""

import pytest
from pydantic import ValidationError

from functions.cases.models.service_request_catalog import CATALOG_DATA
from functions.cases.models.service_requests import (
    MAC_TYPES,
    SERVICE_REQUEST_CATALOG,
    MacField,
    MacFieldType,
    MacType,
    ServiceRequestCatalog,
    form_model,
    mac_form,
)

# Copied from the guide, in its order.
GUIDE_MAC_NAMES = [
    "Add A User",
    "Delete Existing User",
    "Modify Existing User",
    "Add A New Workgroup",
    "Modify Existing Workgroup",
    "Create new Managed Phone/Station",
    "DID/DNIS Table Modification",
    "Wav File Upload",
    "TSRA Add User",
    "TSRA Password Reset",
    "TSRA User Deletion",
    "Attendant Modification",
    "Attendant Add new profile/schedule",
    "Scheduled Report Modification",
    "Scheduled Reports Add/Delete User",
    "Add Scheduled Report",
    "Toll Free Number Add",
    "Toll Free Number Remove",
    "Toll Free Number Modification",
    "Other MAC Request",
]


def test_the_guides_twenty_types_in_its_order_with_unique_ids():
    assert [mac_type.name for mac_type in SERVICE_REQUEST_CATALOG.mac_types] == GUIDE_MAC_NAMES
    assert len(MAC_TYPES) == 20


def test_every_type_has_a_description_and_at_least_one_required_field():
    for mac_type in MAC_TYPES.values():
        assert mac_type.description, mac_type.id
        assert any(field.required for field in mac_type.fields), mac_type.id


def test_only_other_mac_requests_are_time_and_material():
    assert [mac_type.id for mac_type in MAC_TYPES.values() if mac_type.time_and_material] == ["other"]
    assert "Time & Material" in MAC_TYPES["other"].description


def test_attendant_types_say_requirements_are_gathered_by_phone():
    for mac_id in ("attendant-modification", "attendant-add-profile-schedule"):
        assert "by telephone" in MAC_TYPES[mac_id].description
        names = {field.name for field in MAC_TYPES[mac_id].fields if field.required}
        assert {"changeDescription", "requestedCompletionDate"} <= names


def test_every_text_field_has_a_max_length_and_only_choices_list_choices():
    for mac_type in MAC_TYPES.values():
        for field in mac_type.fields:
            text_like = field.type in (MacFieldType.STRING, MacFieldType.TEXT, MacFieldType.EMAIL, MacFieldType.PHONE_NUMBER)
            assert (field.max_length is not None) == text_like, (mac_type.id, field.name)
            assert (field.choices is not None) == (field.type is MacFieldType.CHOICE), (mac_type.id, field.name)


def test_the_wire_shape_is_camel_case():
    dumped = SERVICE_REQUEST_CATALOG.model_dump(mode="json", by_alias=True)
    add_user = dumped["macTypes"][0]
    assert set(add_user) == {"id", "name", "description", "timeAndMaterial", "fields"}
    assert set(add_user["fields"][0]) == {"name", "label", "type", "required", "maxLength", "minimum", "maximum", "choices", "help"}


@pytest.mark.parametrize(
    "field",
    [
        {"name": "size", "label": "Size", "type": "choice"},  # a choice without choices
        {"name": "size", "label": "Size", "type": "string", "choices": ["S", "M"]},
        {"name": "count", "label": "Count", "type": "integer"},  # unbounded: could outgrow DynamoDB's numbers
        {"name": "flag", "label": "Flag", "type": "boolean", "max_length": 5},
        {"name": "Bad Name", "label": "Bad", "type": "string"},
    ],
)
def test_malformed_field_definitions_fail_at_import(field):
    with pytest.raises(ValidationError):
        MacField.model_validate(field)


def test_a_type_without_required_fields_or_a_repeated_id_fails_at_import():
    optional_only = {"id": "x", "name": "X", "description": "x", "fields": [{"name": "a", "label": "A", "type": "string"}]}
    with pytest.raises(ValidationError, match="required field"):
        ServiceRequestCatalog(mac_types=[optional_only])
    with pytest.raises(ValidationError, match="ids repeat"):
        ServiceRequestCatalog(mac_types=[CATALOG_DATA[0], CATALOG_DATA[0]])


def test_every_type_has_a_form_model_named_by_its_fields():
    for mac_type in MAC_TYPES.values():
        model = mac_form(mac_type.id)
        assert mac_form(mac_type.id) is model  # built once, on first use
        schema = model.model_json_schema(by_alias=True)
        assert list(schema["properties"]) == [field.name for field in mac_type.fields], mac_type.id
        assert schema.get("required", []) == [field.name for field in mac_type.fields if field.required], mac_type.id


def test_form_fields_may_bear_the_names_of_model_attributes():
    """Form fields are aliases: a catalog field called `copy` or `json` cannot clash with BaseModel's own."""
    mac_type = MacType.model_validate(
        {"id": "x", "name": "X", "description": "x", "fields": [
            {"name": "copy", "label": "Copy", "type": "string", "required": True},
            {"name": "json", "label": "JSON", "type": "boolean"},
            {"name": "modelConfig", "label": "Config", "type": "integer", "minimum": 0, "maximum": 9},
        ]},
    )  # fmt: skip
    form = form_model(mac_type).model_validate({"copy": " a ", "json": False, "modelConfig": None})
    assert form.given() == {"copy": "a", "json": False}
    with pytest.raises(ValidationError) as refused:
        form_model(mac_type).model_validate({"copy": "a", "field_0": "b"})
    assert [(error["type"], error["loc"]) for error in refused.value.errors()] == [("extra_forbidden", ("field_0",))]
