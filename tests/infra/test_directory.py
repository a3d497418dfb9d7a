"""The directory API's role: exactly what functions/directory does, on its own keys, its user pool and its
sender identity."""

from __future__ import annotations

import pytest

from infra.components.directory import COGNITO_ACTIONS
from infra.components.shared import PAGE_TOKEN_KEY_LOGICAL_ID

from .synth import role_statements, statement_triples

pytestmark = pytest.mark.slow
LEADING = "ForAllValues:StringLike"


def _arn(logical_id: str) -> dict:
    return {"Fn::GetAtt": [logical_id, "Arn"]}


def test_role_is_exactly_least_privilege(dev):
    function = dev.one("AWS::Lambda::Function", "Directory")[1]["Properties"]
    table_arn = _arn(dev.only("AWS::DynamoDB::Table")[0])
    pool_id = dev.only("AWS::Cognito::UserPool")[0]
    pin_key = next(key for key in dev.resources("AWS::SecretsManager::Secret") if key.startswith("SharedPinKey"))

    def on_keys(action: str, keys: list[str]) -> dict:
        return {"Effect": "Allow", "Action": action, "Resource": table_arn, "Condition": {LEADING: {"dynamodb:LeadingKeys": keys}}}

    expected = [
        on_keys("dynamodb:GetItem", ["ACCOUNT#*", "CONTACT_EMAIL#*", "REGION#*", "IDEMPOTENCY#*"]),
        on_keys("dynamodb:PutItem", ["ACCOUNT#*", "ACCOUNTS", "CONTACT_EMAIL#*", "REGION#*", "REGIONS", "IDEMPOTENCY#*"]),
        on_keys("dynamodb:DeleteItem", ["CONTACT_EMAIL#*"]),
        on_keys("dynamodb:UpdateItem", ["ACCOUNT#*", "RATE#*"]),
        on_keys("dynamodb:Query", ["ACCOUNTS", "ACCOUNT#*", "REGIONS"]),
        {"Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": _arn(dev.one("AWS::KMS::Key", "Data")[0])},
        {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": [{"Ref": PAGE_TOKEN_KEY_LOGICAL_ID}, {"Ref": pin_key}]},
        {"Effect": "Allow", "Action": [f"cognito-idp:{action}" for action in COGNITO_ACTIONS], "Resource": _arn(pool_id)},
        {
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": _arn(function["LoggingConfig"]["LogGroup"]["Ref"]),
        },
        {"Effect": "Allow", "Action": ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], "Resource": "*"},
    ]
    granted = statement_triples(role_statements(dev, function["Role"]["Fn::GetAtt"][0]))
    ses = {triple for triple in granted if triple[0] == "ses:SendRawEmail"}
    assert len(ses) == 1 and "identity/support-dev@support.example" in next(iter(ses))[1]  # the sender identity only
    assert granted - ses == statement_triples(expected)
    assert not [action for action, _, _ in granted if "*" in action]
