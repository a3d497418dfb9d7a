"""Runs the project's Lambda handlers in-process when moto's Lambda is invoked, which is how Step
Functions `lambda:invoke` tasks reach them in the local stack and the tests (docs/architecture.md, The local stack).

moto's no-Docker Lambda backend (moto.awslambda_simple) answers every invocation with a canned body;
its `invoke` is the one hook moto offers, so this replaces it with a dispatch to the real handler of the
function created under that name (local/provision.py). A handler's exception becomes a function error,
as the Lambda service reports it, so the state machine's Retry and failure paths behave as in AWS."""

from __future__ import annotations

import importlib
import json
import logging
import traceback
from collections.abc import Callable

from moto.awslambda_simple.models import LambdaSimpleBackend

from local.http_adapter import LambdaContext

log = logging.getLogger("local.lambda")
_handlers: dict[str, str] = {}  # function name -> "package.module.function"


def register(function_name: str, handler_path: str) -> None:
    _handlers[function_name] = handler_path
    # A deliberate patch of moto (the module docstring); mypy still checks `_invoke` against moto's signature.
    LambdaSimpleBackend.invoke = _invoke  # type: ignore[method-assign]


def handler_for(function_name: str) -> Callable[[dict, object], object]:
    """The real handler registered under the function's name (local/provision.py), for what invokes it in-process
    besides moto's Lambda (the local Scheduler's one-time schedules, local/event_sources.py AtSchedules)."""
    return _handler(function_name)


def _handler(function_name: str) -> Callable[[dict, object], object]:
    module, _, attribute = _handlers[function_name].rpartition(".")
    return getattr(importlib.import_module(module), attribute)


def _invoke(
    self: LambdaSimpleBackend,
    function_name: str,
    qualifier: str | None,
    body: str | bytes | None,
    headers: object,  # the request's (werkzeug's or botocore's), not read
    response_headers: dict[str, str],
) -> bytes:
    name = function_name.split(":")[6] if function_name.startswith("arn:") else function_name
    try:
        result = _handler(name)(json.loads(body or "{}"), LambdaContext(name))
    except Exception as error:
        log.exception("local Lambda %s failed", name)
        response_headers["x-amz-function-error"] = "Unhandled"
        result = {"errorMessage": str(error), "errorType": type(error).__name__, "stackTrace": traceback.format_exc().splitlines()}
    return json.dumps(result).encode()
