"""If-Match as RFC 9110 defines it: `*`, lists, strong comparison; only a value outside its syntax is malformed."""

import pytest

from functions.cases.handlers.case_http import expected_version
from functions.shared.entity_tags import MalformedIfMatch, strong_if_match_tags
from functions.shared.errors import BadRequest


@pytest.mark.parametrize(
    "header, tags",
    [
        ("*", None),
        (" * ", None),
        ('"3"', {"3"}),
        ('"abc"', {"abc"}),
        ('""', {""}),
        ('W/"3"', set()),  # weak: If-Match compares strongly, so it can never match
        ('"1", "2"', {"1", "2"}),
        ('"1",W/"2",\t"x"', {"1", "x"}),
        ('"1", , "2",', {"1", "2"}),  # empty list elements are allowed
        ('"a,b"', {"a,b"}),  # a comma inside the quotes is part of the tag
        ('"caf\xe9"', {"caf\xe9"}),  # obs-text
    ],
)
def test_well_formed_values(header, tags):
    assert strong_if_match_tags(header) == (None if tags is None else frozenset(tags))


@pytest.mark.parametrize(
    "header", ["", "   ", "3", "banana", '"3', '3"', 'w/"3"', '"a b"', '"a"b"', '"1" "2"', '"1", *', "*, *", '"\x7f"', '"\u20ac"', ","]
)
def test_malformed_values(header):
    with pytest.raises(MalformedIfMatch):
        strong_if_match_tags(header)


@pytest.mark.parametrize(
    "header, current, matches",
    [
        (None, 7, True),
        ("*", 7, True),
        ('"7"', 7, True),
        ('"6"', 7, False),
        ('"abc"', 7, False),
        ('W/"7"', 7, False),
        ('"07"', 7, False),  # strong comparison is octet by octet: our ETag is "7"
        ('"6", "7"', 7, True),
        ('"6", "8"', 7, False),
        ('"abc", "7"', 7, True),
        ('W/"7", "abc"', 7, False),
    ],
)
def test_the_change_engine_sees_what_matches(header, current, matches):
    """The change engine refuses with 412 when `if_match is not None and version not in if_match`."""
    if_match = expected_version(header)
    refused = if_match is not None and current not in if_match
    assert refused is not matches


def test_several_versions_accept_any_of_them():
    assert expected_version('"1", "2"') == {1, 2}
    assert expected_version('"1", W/"2"') == {1}
    assert expected_version("*") is None and expected_version(None) is None


def test_a_malformed_value_is_a_400_naming_the_header():
    with pytest.raises(BadRequest) as refused:
        expected_version("banana")
    assert refused.value.field == "If-Match" and 'e.g. "3"' in refused.value.message
