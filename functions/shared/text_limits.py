"""Text is capped in UTF-8 bytes as well as characters: what stores and carries it (DynamoDB items, S3 keys,
emails, the 256 KB body) counts bytes, and a character takes up to 4 of them."""

from __future__ import annotations

from pydantic import AfterValidator
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
