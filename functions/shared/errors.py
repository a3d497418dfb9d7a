"""Domain errors and their one mapping to HTTP: every refusal is `{"error", "message"}` JSON."""

from __future__ import annotations

from http import HTTPStatus

from pydantic import BaseModel, Field


class ErrorResponse(BaseModel):
    error: str = Field(description="Stable machine-readable code, e.g. `validation_error`.")
    message: str = Field(description="What went wrong and what to do about it.")
    field: str | None = Field(default=None, description="The offending field, when one is to blame.")


class DomainError(Exception):
    """A refusal the caller can act on. Subclasses fix the status and code."""

    status: HTTPStatus = HTTPStatus.BAD_REQUEST
    code: str = "bad_request"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code

    def to_response(self) -> ErrorResponse:
        return ErrorResponse(error=self.code, message=self.message, field=self.field)

    def headers(self) -> dict[str, str]:
        """HTTP headers the refusal comes with (Retry-After for a 429)."""
        return {}


class BadRequest(DomainError):
    status, code = HTTPStatus.BAD_REQUEST, "bad_request"


class Unauthorized(DomainError):
    status, code = HTTPStatus.UNAUTHORIZED, "unauthorized"


class Forbidden(DomainError):
    status, code = HTTPStatus.FORBIDDEN, "forbidden"


class NotFound(DomainError):
    status, code = HTTPStatus.NOT_FOUND, "not_found"


class Conflict(DomainError):
    status, code = HTTPStatus.CONFLICT, "conflict"


class PreconditionFailed(DomainError):
    status, code = HTTPStatus.PRECONDITION_FAILED, "precondition_failed"


class PayloadTooLarge(DomainError):
    status, code = HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "payload_too_large"


class ValidationFailed(DomainError):
    status, code = HTTPStatus.UNPROCESSABLE_ENTITY, "validation_error"


class ServiceUnavailable(DomainError):
    """A dependency is throttling or down; the caller should retry with the same Idempotency-Key."""

    status, code = HTTPStatus.SERVICE_UNAVAILABLE, "service_unavailable"
