"""Every API Lambda reads its customer callers' account contacts (functions/shared/caller_directory.py): each
may GetItem the `ACCOUNT#` keys, read-only, and no API Lambda is left out but one whose every route is public
(the monitoring intake: API Gateway sends it no caller)."""

from __future__ import annotations

import pytest

from infra.components.api import api_routes, public_api_routes
from infra.openapi_document import API_MODULES

from .synth import role_statements

pytestmark = pytest.mark.slow

LEADING_KEYS = "dynamodb:LeadingKeys"


def _api_functions(synth) -> dict[str, dict]:
    """Handler module -> the function's properties, for every API Lambda."""
    functions = synth.resources("AWS::Lambda::Function").values()
    by_module = {function["Properties"]["Handler"].rsplit(".", 1)[0]: function["Properties"] for function in functions}
    return {module: by_module[module] for module in API_MODULES}


def _get_item_keys(synth, role_id: str) -> list[str]:
    keys: list[str] = []
    for statement in role_statements(synth, role_id):
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        if "dynamodb:GetItem" in actions:
            keys += statement.get("Condition", {}).get("ForAllValues:StringLike", {}).get(LEADING_KEYS, [])
    return keys


SIGNED_IN_MODULES = [module for module in API_MODULES if set(api_routes(module)) != set(public_api_routes(module))]


def test_only_the_monitoring_intake_serves_no_signed_in_caller():
    assert set(API_MODULES) - set(SIGNED_IN_MODULES) == {"functions.alerts.handlers.intake"}


@pytest.mark.parametrize("module", SIGNED_IN_MODULES)
def test_every_api_lambda_may_read_its_callers_account(dev, module):
    function = _api_functions(dev)[module]
    role_id = function["Role"]["Fn::GetAtt"][0]
    assert "ACCOUNT#*" in _get_item_keys(dev, role_id), module
