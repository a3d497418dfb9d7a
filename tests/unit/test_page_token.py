import pytest
from hypothesis import given
from hypothesis import strategies as st

from functions.shared.errors import BadRequest
from functions.shared.page_token import PageTokenCodec

codec = PageTokenCodec(b"k" * 32)
keys = st.dictionaries(st.text(min_size=1, max_size=12), st.dictionaries(st.just("S"), st.text(max_size=40), min_size=1), max_size=4)


@given(last_key=keys, scope=st.text(max_size=60))
def test_round_trip(last_key, scope):
    assert codec.decode(codec.encode(last_key, scope=scope), scope=scope) == last_key


@given(last_key=keys, scope=st.text(min_size=1, max_size=30), other=st.text(min_size=1, max_size=30))
def test_another_scope_is_refused(last_key, scope, other):
    token = codec.encode(last_key, scope=scope)
    if other != scope:
        with pytest.raises(BadRequest):
            codec.decode(token, scope=other)


@given(garbage=st.text(max_size=200))
def test_garbage_is_refused_with_a_clear_error(garbage):
    with pytest.raises(BadRequest) as refused:
        codec.decode(garbage, scope="s")
    assert refused.value.field == "nextToken"


def test_a_token_signed_with_another_key_is_refused():
    token = PageTokenCodec(b"other-key").encode({"pk": {"S": "x"}}, scope="s")
    with pytest.raises(BadRequest):
        codec.decode(token, scope="s")


def test_flipping_any_payload_character_is_detected():
    token = codec.encode({"pk": {"S": "CASE#0000000001"}}, scope="s")
    payload, signature = token.split(".")
    for index in range(len(payload)):
        flipped = payload[:index] + ("A" if payload[index] != "A" else "B") + payload[index + 1 :]
        with pytest.raises(BadRequest):
            codec.decode(f"{flipped}.{signature}", scope="s")
