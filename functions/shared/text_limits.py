"""Text is capped in UTF-8 bytes as well as characters: what stores and carries it (DynamoDB items, S3 keys,
emails, the 256 KB body) counts bytes, and a character takes up to 4 of them."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Strict, StringConstraints
from pydantic_core import PydanticCustomError


def utf8_size(text: str) -> int:
    """The text's size in UTF-8; refuses a lone surrogate (JSON allows `"\\ud800"`, UTF-8 cannot hold it)."""
    try:
        return len(text.encode())
    except UnicodeEncodeError:
        raise PydanticCustomError(
            "string_not_unicode", "String should be Unicode text: it holds an unpaired surrogate (\\ud800 to \\udfff)"
        ) from None


def utf8_bytes_at_most(limit: int) -> AfterValidator:
    """A validator (for `Annotated[str, ...]`) refusing text over `limit` bytes in UTF-8."""

    def check(text: str) -> str:
        size = utf8_size(text)
        if size > limit:
            raise PydanticCustomError(
                "string_too_many_bytes",
                "String should have at most {limit} bytes in UTF-8 ({size} given; a character takes 1 to 4)",
                {"limit": f"{limit:,}", "size": f"{size:,}"},
            )
        return text

    return AfterValidator(check)


SHORT_TEXT_MAX_BYTES = 1024
LONG_TEXT_MAX_BYTES = 64 * 1024
# A name, a subject: one line's worth. A description, an update: pages of it.
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255), utf8_bytes_at_most(SHORT_TEXT_MAX_BYTES)]
LongText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32_000), utf8_bytes_at_most(LONG_TEXT_MAX_BYTES)
]
# An email address as the desk takes it (lower-cased; no display name, no list): contacts' sign-in, report recipients.
EmailAddress = Annotated[
    str,
    StringConstraints(strip_whitespace=True, to_lower=True, max_length=254, pattern=r"^[^@\s\"<>,;]+@[^@\s\"<>,;]+\.[A-Za-z0-9-]{2,}$"),
]
# An id a caller names (an account, a contact): safe in keys and paths.
Identifier = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$")]
# Strict validation of a parsed JSON body refuses a string for an Enum (it wants the member): enum fields take
# their values as sent, and only their values.
Choice = Strict(False)
