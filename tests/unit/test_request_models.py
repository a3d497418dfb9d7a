"""The request models: values taken as sent (strict), every text capped in UTF-8 bytes as well as characters,
media types and file names that storage and people can trust."""

from enum import Enum
from typing import Annotated, get_args, get_origin

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ConfigDict, TypeAdapter, ValidationError

from functions.cases.models.lifecycle import CaseChanges, CloseRequest, EscalationRequest, NewUpdate
from functions.cases.models.requests import (
    MAX_FORM_BYTES,
    MAX_FORM_VALUE_BYTES,
    NewCaseRequest,
)
from functions.cases.models.service_requests import MAC_TYPES, MacFieldType
from functions.files.models.files import MAX_FILE_NAME_BYTES, NewUploadRequest, PartUrlsRequest
from functions.shared.models import RequestModel
from functions.shared.text_limits import LONG_TEXT_MAX_BYTES, SHORT_TEXT_MAX_BYTES
from tests.support.payloads import admin_case, service_request, support_case

NEW_CASE = TypeAdapter(NewCaseRequest)
UPLOAD = {"fileName": "trace.txt", "size": 1, "checksum": {"algorithm": "CRC32", "value": "AAAAAA=="}}
SHORT_TEXT_MAX_CHARS, LONG_TEXT_MAX_CHARS = 255, 32_000


def refusal(validate, body) -> dict:
    with pytest.raises(ValidationError) as refused:
        validate(body)
    return refused.value.errors()[0]


# --- strict: no coercion ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"securityThreat": 0}, "securityThreat"),
        ({"securityThreat": 1}, "securityThreat"),
        ({"securityThreat": "true"}, "securityThreat"),
        ({"securityThreat": "false"}, "securityThreat"),
        ({"subject": 42}, "subject"),
        ({"product": True}, "product"),
        ({"priority": 4}, "priority"),
        ({"onBehalfOf": {"accountId": 7, "contactId": "c-1"}}, "accountId"),
    ],
)
def test_case_bodies_are_not_coerced(overrides, field):
    assert refusal(NEW_CASE.validate_python, support_case(**overrides))["loc"][-1] == field


def test_enum_fields_still_take_their_values():
    case = NEW_CASE.validate_python(support_case(priority="3-Medium", securityThreat=True, environmentType="Development"))
    assert (case.priority.value, case.security_threat, case.environment_type.value) == ("3-Medium", True, "Development")
    assert CaseChanges.model_validate({"subStatus": "Scheduled", "priority": "2-High"}).priority.value == "2-High"
    assert (
        CloseRequest.model_validate({"subStatus": "Resolved", "comment": "ok", "reason": "customer-asked"}).reason.value == "customer-asked"
    )
    escalation = EscalationRequest.model_validate({"kind": "priority", "requestedPriority": "3-Medium", "reason": "r"})
    assert (escalation.kind.value, escalation.requested_priority.value) == ("priority", "3-Medium")
    with pytest.raises(ValidationError):
        CaseChanges.model_validate({"priority": 2})


@pytest.mark.parametrize(
    "body, field",
    [
        ({**UPLOAD, "size": "1"}, "size"),
        ({**UPLOAD, "size": 1.0}, "size"),
        ({**UPLOAD, "size": True}, "size"),
        ({**UPLOAD, "fileName": 12}, "fileName"),
        ({**UPLOAD, "contentType": 1}, "contentType"),
    ],
)
def test_upload_bodies_are_not_coerced(body, field):
    assert refusal(NewUploadRequest.model_validate, body)["loc"][-1] == field


def test_part_numbers_are_not_coerced():
    error = refusal(PartUrlsRequest.model_validate, {"parts": [{"partNumber": "1", "checksum": "AAAAAA=="}]})
    assert error["loc"] == ("parts", 0, "partNumber")


# --- text capped in characters and in UTF-8 bytes ----------------------------------------------

# Characters of every UTF-8 width that validation keeps as they are (no whitespace it would strip, no surrogates).
kept_characters = st.characters(exclude_categories=("Cs", "Zs", "Zl", "Zp", "Cc"))


def largest(character: str, max_chars: int, max_bytes: int) -> str:
    """The longest text of `character` (padded with ASCII to the byte) that both caps allow."""
    width = len(character.encode())
    count = min(max_chars, max_bytes // width)
    padding = min(max_chars - count, max_bytes - count * width)
    return character * count + "a" * padding


TEXT_FIELDS = [
    ("subject", SHORT_TEXT_MAX_CHARS, SHORT_TEXT_MAX_BYTES, lambda text: NEW_CASE.validate_python(support_case(subject=text))),
    ("businessImpact", LONG_TEXT_MAX_CHARS, LONG_TEXT_MAX_BYTES, lambda text: NEW_CASE.validate_python(support_case(businessImpact=text))),
    ("description", LONG_TEXT_MAX_CHARS, LONG_TEXT_MAX_BYTES, lambda text: NEW_CASE.validate_python(admin_case(description=text))),
    ("text", LONG_TEXT_MAX_CHARS, LONG_TEXT_MAX_BYTES, lambda text: NewUpdate.model_validate({"text": text})),
]


@pytest.mark.parametrize("field, max_chars, max_bytes, validate", TEXT_FIELDS, ids=[field for field, *_ in TEXT_FIELDS])
@given(character=kept_characters)
def test_the_largest_text_is_accepted_and_one_more_is_refused(field, max_chars, max_bytes, validate, character):
    text = largest(character, max_chars, max_bytes)
    validate(text)  # accepted

    error = refusal(validate, text + "a")  # one more character, and one more byte
    assert error["loc"][-1] == field
    if len(text) < max_chars:  # the byte cap binds: the message names it
        assert error["type"] == "string_too_many_bytes"
        assert f"at most {max_bytes:,} bytes in UTF-8" in error["msg"]
    else:
        assert error["type"] == "string_too_long"


def test_four_byte_characters_reach_the_byte_cap_before_the_character_cap():
    text = "\U0001f600" * (LONG_TEXT_MAX_BYTES // 4)  # 65,536 bytes in 16,384 characters
    assert NewUpdate.model_validate({"text": text}).text == text
    error = refusal(NewUpdate.model_validate, {"text": text + "a"})
    assert error["msg"] == "String should have at most 65,536 bytes in UTF-8 (65,537 given; a character takes 1 to 4)"


# --- a service request's form -----------------------------------------------------------------


def test_every_catalog_value_and_form_fits_the_byte_caps():
    """The caps refuse nothing the catalog allows: its text fields at 4 bytes a character."""
    for mac_type in MAC_TYPES.values():
        texts = [field.max_length * 4 for field in mac_type.fields if field.max_length]
        assert max(texts, default=0) <= MAX_FORM_VALUE_BYTES, mac_type.id
        form = sum(texts) + sum(len(field.name) + 32 for field in mac_type.fields)  # names, quotes, numbers
        assert form <= MAX_FORM_BYTES, mac_type.id
    assert any(field.type is MacFieldType.TEXT for mac_type in MAC_TYPES.values() for field in mac_type.fields)


@given(character=kept_characters)
def test_a_form_value_is_capped_in_bytes(character):
    text = largest(character, MAX_FORM_VALUE_BYTES, MAX_FORM_VALUE_BYTES)
    NEW_CASE.validate_python(service_request("other", {"requestDescription": text}))
    error = refusal(NEW_CASE.validate_python, service_request("other", {"requestDescription": text + "a"}))
    assert error["loc"][-2:] == ("fields", "requestDescription") and error["type"] == "string_too_many_bytes"


def test_the_whole_form_is_capped_and_values_are_single():
    three = {f"field{number}": "\u00e9" * 12_000 for number in range(3)}  # 24,000 bytes each: 72,000 in all
    assert refusal(NEW_CASE.validate_python, service_request("other", three))["type"] == "form_too_large"
    nested = refusal(NEW_CASE.validate_python, service_request("other", {"requestDescription": ["a", "b"]}))
    assert nested["loc"][-1] == "requestDescription" and "not a list" in nested["msg"]
    long_name = refusal(NEW_CASE.validate_python, service_request("other", {"x" * 65: "a"}))
    assert long_name["loc"][-1] == "[key]" and long_name["type"] == "string_too_long"
    accepted = NEW_CASE.validate_python(service_request("add-user", {"loginId": "d", "count": 3, "flag": True, "blank": None}))
    assert accepted.fields == {"loginId": "d", "count": 3, "flag": True, "blank": None}  # the catalog judges them next


# --- files: media types and names -------------------------------------------------------------


@pytest.mark.parametrize(
    "content_type", ["application/zip", "text/plain; charset=utf-8", "text/plain;charset=utf-8", 'multipart/mixed; boundary="a b"']
)
def test_media_types_with_printable_parameters_are_accepted(content_type):
    assert NewUploadRequest.model_validate({**UPLOAD, "contentType": content_type}).content_type == content_type


@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain\r\n; charset=utf-8",
        "text/plain;\r\nX-Injected: 1",
        "text/plain\n",
        "text/plain;\tcharset=utf-8",
        "text/plain\t; charset=utf-8",
        "text/plain;\u00a0charset=utf-8",
        "text/plain\u2003; charset=utf-8",
        "text/plain; charset=utf-8\u2028",
        "text/plain; name=\x00",
        "text/plain; name=\x7f",
        "text/plain; name=caf\u00e9",
        "text/plain ",
    ],
)
def test_media_types_with_line_breaks_other_whitespace_or_controls_are_refused(content_type):
    assert refusal(NewUploadRequest.model_validate, {**UPLOAD, "contentType": content_type})["loc"] == ("contentType",)


@pytest.mark.parametrize(
    "control", ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\u200e", "\u200f", "\u061c"]
)
def test_file_names_with_bidirectional_controls_are_refused_saying_so(control):
    error = refusal(NewUploadRequest.model_validate, {**UPLOAD, "fileName": f"invoice{control}gpj.exe"})
    assert error["loc"] == ("fileName",)
    assert f"U+{ord(control):04X}" in error["msg"] and "bidirectional control" in error["msg"]


def test_file_names_keep_other_scripts_and_are_capped_in_bytes():
    assert NewUploadRequest.model_validate({**UPLOAD, "fileName": "\u05d3\u05d5\u05d7 \u062a\u0642\u0631\u064a\u0631.pdf"})
    at_cap = "\U0001f600" * (MAX_FILE_NAME_BYTES // 4)  # 240 characters, 960 bytes: the byte cap binds first
    assert NewUploadRequest.model_validate({**UPLOAD, "fileName": at_cap})
    over = refusal(NewUploadRequest.model_validate, {**UPLOAD, "fileName": at_cap + "a"})
    assert over["loc"] == ("fileName",) and f"at most {MAX_FILE_NAME_BYTES} bytes" in over["msg"]
    assert refusal(NewUploadRequest.model_validate, {**UPLOAD, "fileName": "a\x85b"})["loc"] == ("fileName",)  # a C1 control


def _enums_in(annotation) -> list[type[Enum]]:
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return [annotation]
    return [enum for argument in get_args(annotation) for enum in _enums_in(argument)]


def _is_list(annotation) -> bool:
    return get_origin(annotation) is list or any(get_origin(argument) is list for argument in get_args(annotation))


def _request_models(base: type) -> list[type]:
    return [model for child in base.__subclasses__() for model in (child, *_request_models(child))]


REQUEST_MODELS = _request_models(RequestModel)  # the cases and files requests (both imported above)


@pytest.mark.parametrize("model", REQUEST_MODELS, ids=lambda model: model.__name__)
def test_every_enum_field_of_a_request_model_takes_its_values_as_json_sends_them(model):
    """Strict validation wants an Enum member where JSON sends its value: each enum field must be a `Choice`."""
    model.model_rebuild()
    for name, field in model.model_fields.items():
        for enum in _enums_in(field.annotation):
            value = next(iter(enum)).value
            value = [value] if _is_list(field.annotation) else value  # a list of choices takes a list of values
            annotation = Annotated[field.annotation, *field.metadata] if field.metadata else field.annotation
            assert TypeAdapter(annotation, config=ConfigDict(strict=True)).validate_python(value) == value, f"{model.__name__}.{name}"
