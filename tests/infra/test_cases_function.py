"""The cases Lambda: runtime, packaging, environment, and a role that can do exactly what the code does."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

from infra.components.shared import PAGE_TOKEN_KEY_LOGICAL_ID
from infra.constants import LAMBDA_PYTHON_VERSION, LAMBDA_RUNTIME, REPO_ROOT

from .synth import role_statements, statement_triples

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


def _function(synth) -> tuple[str, dict]:
    function_id, function = synth.one("AWS::Lambda::Function", "Cases")
    return function_id, function["Properties"]


def _asset_dir(synth, code: dict) -> Path:
    return synth.outdir / f"asset.{code['S3Key'].removesuffix('.zip')}"


def test_runtime_is_pinned_once_and_read_by_the_makefile():
    assert LAMBDA_RUNTIME.name == f"python{LAMBDA_PYTHON_VERSION}"
    constants = (ROOT / "infra" / "constants.py").read_text()
    # The Makefile's sed expression for the layer's --python-version.
    assert re.findall(r'^LAMBDA_PYTHON_VERSION = "(.*)"$', constants, re.MULTILINE) == [LAMBDA_PYTHON_VERSION]


def test_function_settings(dev):
    _, function = _function(dev)
    assert function["Runtime"] == f"python{LAMBDA_PYTHON_VERSION}"
    assert function["Architectures"] == ["arm64"]
    assert function["MemorySize"] == 512
    assert function["Timeout"] == 10
    assert function["TracingConfig"] == {"Mode": "Active"}
    module, handler = function["Handler"].rsplit(".", 1)
    assert function["Handler"] == "functions.cases.handlers.api.lambda_handler"
    assert callable(getattr(importlib.import_module(module), handler))


def test_environment_points_at_the_stack_resources(dev):
    _, function = _function(dev)
    table = dev.only("AWS::DynamoDB::Table")[0]
    secret = PAGE_TOKEN_KEY_LOGICAL_ID  # the shared page-token key (components/shared.py)
    assert function["Environment"]["Variables"] == {
        "TABLE_NAME": {"Ref": table},
        "PAGE_TOKEN_SECRET_ARN": {"Ref": secret},
        "POWERTOOLS_SERVICE_NAME": "dss",
        "POWERTOOLS_METRICS_NAMESPACE": "DedicatedSupportServices",
        "POWERTOOLS_LOG_LEVEL": dev.config.log_level,
        "PYDANTIC_DISABLE_PLUGINS": "__all__",
    }


def test_log_group_has_retention(dev, prod):
    for synth, days in ((dev, 7), (prod, 90)):
        _, function = _function(synth)
        log_group = synth.resources("AWS::Logs::LogGroup")[function["LoggingConfig"]["LogGroup"]["Ref"]]
        assert log_group["Properties"]["RetentionInDays"] == days


def _shipped_files(root: Path) -> set[Path]:
    """Every file below root but bytecode: the sources and their data, e.g. a JSON document a handler serves."""
    return {
        path.relative_to(root)
        for path in (root / "functions").rglob("*")
        if path.is_file() and path.suffix != ".pyc" and "__pycache__" not in path.parts
    }


def test_code_asset_ships_only_functions_with_its_bytecode(dev):
    _, function = _function(dev)
    asset = _asset_dir(dev, function["Code"])
    assert [entry.name for entry in asset.iterdir()] == ["functions"]
    assert _shipped_files(asset) == _shipped_files(REPO_ROOT)  # nothing of functions/ is excluded but its bytecode
    sources = sorted(path.relative_to(asset) for path in asset.rglob("*.py"))
    tag = LAMBDA_PYTHON_VERSION.replace(".", "")
    for source in sources:  # compiled for the runtime, valid whatever timestamps the zip gives the sources
        compiled = asset / source.parent / "__pycache__" / f"{source.stem}.cpython-{tag}.pyc"
        assert compiled.read_bytes()[4:8] == (1).to_bytes(4, "little"), source  # PEP 552 flags: hash-based, unchecked


def test_layer_holds_arm64_wheels_for_the_runtime_but_not_the_sdk(dev):
    _, function = _function(dev)
    layer_id, layer = dev.only("AWS::Lambda::LayerVersion")
    assert function["Layers"] == [{"Ref": layer_id}]
    assert layer["Properties"]["CompatibleRuntimes"] == [f"python{LAMBDA_PYTHON_VERSION}"]
    assert layer["Properties"]["CompatibleArchitectures"] == ["arm64"]
    site = _asset_dir(dev, layer["Properties"]["Content"]) / "python"
    tag = LAMBDA_PYTHON_VERSION.replace(".", "")
    assert list(site.glob(f"pydantic_core/_pydantic_core.cpython-{tag}-aarch64-linux-gnu.so"))
    assert {"aws_lambda_powertools", "pydantic", "pynamodb"} <= {path.name for path in site.iterdir()}
    assert not {"boto3", "botocore"} & {path.name for path in site.iterdir()}  # the runtime's own SDK


LEADING_KEYS = "dynamodb:LeadingKeys"


def test_role_is_exactly_least_privilege(dev):
    _, function = _function(dev)
    role_id = function["Role"]["Fn::GetAtt"][0]
    table = dev.only("AWS::DynamoDB::Table")
    key = dev.one("AWS::KMS::Key", "Data")[0]
    secret = PAGE_TOKEN_KEY_LOGICAL_ID  # the shared page-token key (components/shared.py)
    table_arn = {"Fn::GetAtt": [table[0], "Arn"]}
    # The case views' and the staff queues' indexes; the purge index is the purge job's alone, the report indexes the
    # reports domain's.
    others = ("purge-due", "account-opened", "account-closed")
    view_indexes = [index["IndexName"] for index in table[1]["Properties"]["GlobalSecondaryIndexes"] if index["IndexName"] not in others]
    assert len(view_indexes) == 8
    index_arns = [{"Fn::Join": ["", [table_arn, f"/index/{name}"]]} for name in view_indexes]
    expected = [
        *(
            {"Effect": "Allow", "Action": action, "Resource": table_arn, "Condition": {"ForAllValues:StringLike": {LEADING_KEYS: keys}}}
            for action, keys in [
                ("dynamodb:GetItem", ["CASE#*", "ACCOUNT#*", "IDEMPOTENCY#*"]),
                ("dynamodb:PutItem", ["CASE#*", "IDEMPOTENCY#*", "QUOTA#*"]),
                ("dynamodb:DeleteItem", ["QUOTA#*"]),
                ("dynamodb:UpdateItem", ["COUNTER#case-number", "RATE#*"]),
                ("dynamodb:Query", ["CASE#*", "QUOTA#*"]),
                # The updates domain's items an installation request is decided from (functions/shared/dal/platform_view.py).
                ("dynamodb:GetItem", ["WINDOWSUPDATE#*", "GATEWAYCATALOG#*", "PLATFORM#*"]),
            ]
        ),
        {"Effect": "Allow", "Action": "dynamodb:Query", "Resource": index_arns},
        {"Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": {"Fn::GetAtt": [key, "Arn"]}},
        {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": {"Ref": secret}},
        {
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": {"Fn::GetAtt": [function["LoggingConfig"]["LogGroup"]["Ref"], "Arn"]},
        },
        # X-Ray has no resource-level permissions for these (acknowledged as AwsSolutions-IAM5).
        {"Effect": "Allow", "Action": ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], "Resource": "*"},
    ]
    granted = statement_triples(role_statements(dev, role_id))
    assert granted == statement_triples(expected)
    assert not [action for action, _, _ in granted if "*" in action]
    assert {action for action, resource, _ in granted if resource == '"*"'} == {"xray:PutTraceSegments", "xray:PutTelemetryRecords"}


def test_business_time_settings_reach_the_function_and_typos_fail_the_synth():
    from infra.config import stage_config, with_business_time

    config = with_business_time(stage_config("dev"), "2026-12-24,2026-12-31", "2-High=60")
    assert config.business_time == {"DSS_HOLIDAYS": "2026-12-24,2026-12-31", "DSS_RESPONSE_TARGETS": "2-High=60"}
    assert with_business_time(stage_config("dev"), None, None).business_time == {}
    with pytest.raises(ValueError, match="DSS_HOLIDAYS"):
        with_business_time(stage_config("dev"), "next friday", None)
