"""The base models every domain's API models derive from, and who acted (docs/architecture.md, Layering)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

from functions.shared.auth import Caller


class ApiModel(BaseModel):
    """camelCase on the wire, snake_case in Python. Validators are built on first use, not at import:
    a cold start then pays only for the models its route touches."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, defer_build=True)


class RequestModel(BaseModel):
    """What a caller sends: unknown fields are refused, and values are taken as sent (strict): `"12"` is
    not a size."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=False, extra="forbid", strict=True, defer_build=True)


class Actor(ApiModel):
    """Who did something: a person (their role, and their contact id if a customer) or the automation."""

    user_id: str
    role: str
    contact_id: str | None = None

    @classmethod
    def of(cls, caller: Caller) -> Actor:
        return cls(user_id=caller.user_id, role=caller.role, contact_id=caller.contact_id)
