"""Reference IDs: bound to one case, unguessable without the key, checkable as typed back."""

import re

from hypothesis import given
from hypothesis import strategies as st

from functions.shared.reference_id import ReferenceIds

references = ReferenceIds(b"k" * 48)
case_numbers = st.integers(min_value=1, max_value=9_999_999_999).map(lambda number: f"{number:010d}")


def test_format_is_ref_and_16_base32_characters():
    assert re.fullmatch(r"ref:[A-Z2-7]{16}", references.reference_id("0002068177"))


def test_the_same_case_always_gets_the_same_id():
    assert references.reference_id("0002068177") == ReferenceIds(b"k" * 48).reference_id("0002068177")


@given(case_number=case_numbers)
def test_verify_accepts_its_own_also_as_typed_back(case_number):
    ref = references.reference_id(case_number)
    assert references.verify_reference_id(case_number, ref)
    assert references.verify_reference_id(case_number, f"  {ref.upper()} ")
    assert references.verify_reference_id(case_number, ref.lower())


@given(case_number=case_numbers, other=case_numbers)
def test_another_cases_id_is_refused(case_number, other):
    if other != case_number:
        assert not references.verify_reference_id(case_number, references.reference_id(other))


@given(
    case_number=case_numbers,
    position=st.integers(min_value=4, max_value=19),
    replacement=st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"),
)
def test_a_tampered_id_is_refused(case_number, position, replacement):
    ref = references.reference_id(case_number)
    tampered = ref[:position] + replacement + ref[position + 1 :]
    assert references.verify_reference_id(case_number, tampered) is (tampered == ref)


def test_an_id_made_with_another_key_is_refused():
    assert not references.verify_reference_id("0002068177", ReferenceIds(b"other").reference_id("0002068177"))


@given(garbage=st.text(max_size=40))
def test_garbage_is_refused(garbage):
    assert not references.verify_reference_id("0002068177", garbage)


def test_without_its_prefix_or_truncated_it_is_refused():
    ref = references.reference_id("0002068177")
    assert not references.verify_reference_id("0002068177", ref.removeprefix("ref:"))
    assert not references.verify_reference_id("0002068177", ref[:-1])
