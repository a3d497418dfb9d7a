"""One way to build a Lambda: every function of the stack is a DomainFunction (infra/components/function.py)
and so has the shared defaults: the runtime, arm64, the stack's one dependency layer and functions/ asset,
active tracing, its own log group with the stage's retention, the runtime's environment, its own role, and
alarms on its errors and throttles. A function built by hand fails here. The layer and the HMAC keys
belong to the shared component (infra/components/shared.py)."""

from __future__ import annotations

import pytest
from aws_cdk import aws_lambda as lambda_

from infra.components.function import DomainFunction
from infra.components.shared import PAGE_TOKEN_KEY_LOGICAL_ID, REFERENCE_ID_KEY_LOGICAL_ID
from infra.constants import LAMBDA_PYTHON_VERSION

pytestmark = pytest.mark.slow

RETENTION_DAYS = {"dev": 7, "prod": 90}
DELETION_POLICY = {"dev": "Delete", "prod": "Retain"}


def _functions(synth) -> dict[str, dict]:
    functions = {key: value["Properties"] for key, value in synth.resources("AWS::Lambda::Function").items()}
    assert len(functions) >= 8  # the APIs, the consumers, the timer step, the purge, the publisher
    return functions


def _path(synth, construct) -> str:
    return construct.node.path.removeprefix(f"{synth.stack.node.path}/")


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_every_function_is_built_by_the_shared_construct(stage, request):
    synth = request.getfixturevalue(stage)
    constructs = synth.stack.node.find_all()
    cfn_functions = [construct for construct in constructs if isinstance(construct, lambda_.CfnFunction)]
    domain_functions = [construct for construct in constructs if isinstance(construct, DomainFunction)]
    # Each CloudFormation function is the default child of a lambda_.Function made by a DomainFunction.
    for cfn_function in cfn_functions:
        function = cfn_function.node.scope
        assert isinstance(function, lambda_.Function), _path(synth, cfn_function)
        assert isinstance(function.node.scope, DomainFunction), f"{_path(synth, function)} is not built by DomainFunction"
    assert len(cfn_functions) == len(domain_functions) == len(_functions(synth))
    assert {domain.function.node.path for domain in domain_functions} == {cfn.node.scope.node.path for cfn in cfn_functions}


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_every_function_has_the_shared_defaults(stage, request):
    synth = request.getfixturevalue(stage)
    functions = _functions(synth)
    layer_id, _ = synth.only("AWS::Lambda::LayerVersion")
    log_groups = synth.resources("AWS::Logs::LogGroup")
    roles = synth.resources("AWS::IAM::Role")
    codes = {str(function["Code"]) for function in functions.values()}
    assert len(codes) == 1, "every function runs the one functions/ asset"
    runtime_environment = {
        "POWERTOOLS_SERVICE_NAME": "dss",
        "POWERTOOLS_METRICS_NAMESPACE": "DedicatedSupportServices",
        "POWERTOOLS_LOG_LEVEL": synth.config.log_level,
        "PYDANTIC_DISABLE_PLUGINS": "__all__",
    }
    for function_id, function in functions.items():
        assert function["Runtime"] == f"python{LAMBDA_PYTHON_VERSION}", function_id
        assert function["Architectures"] == ["arm64"], function_id
        assert function["Layers"] == [{"Ref": layer_id}], function_id
        assert function["TracingConfig"] == {"Mode": "Active"}, function_id
        assert function["MemorySize"] >= 256, function_id
        assert runtime_environment.items() <= function["Environment"]["Variables"].items(), function_id
        log_group = log_groups[function["LoggingConfig"]["LogGroup"]["Ref"]]
        assert log_group["Properties"]["RetentionInDays"] == RETENTION_DAYS[stage], function_id
        assert log_group["DeletionPolicy"] == DELETION_POLICY[stage], function_id
        role = roles[function["Role"]["Fn::GetAtt"][0]]["Properties"]
        assert [statement["Principal"] for statement in role["AssumeRolePolicyDocument"]["Statement"]] == [
            {"Service": "lambda.amazonaws.com"}
        ], function_id
        assert role["Description"].startswith(f"dss-{stage} ") and role["Description"].endswith(" Lambda"), function_id
        assert not role.get("ManagedPolicyArns"), function_id
    # Its own log group and its own role each: no function writes to another's logs or acts with its rights.
    assert len({str(function["LoggingConfig"]) for function in functions.values()}) == len(functions)
    assert len({str(function["Role"]) for function in functions.values()}) == len(functions)


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_every_function_has_alarms_on_its_errors_and_throttles(stage, request):
    synth = request.getfixturevalue(stage)
    watched = {
        (alarm["MetricName"], alarm["Dimensions"][0]["Value"]["Ref"])
        for alarm in (value["Properties"] for value in synth.resources("AWS::CloudWatch::Alarm").values())
        if alarm.get("Namespace") == "AWS/Lambda" and [dimension["Name"] for dimension in alarm["Dimensions"]] == ["FunctionName"]
    }
    expected = {(metric, function_id) for function_id in _functions(synth) for metric in ("Errors", "Throttles")}
    assert watched - {("IteratorAge", synth.one("AWS::Lambda::Function", "Outbox")[0])} == expected  # and the publish lag


def test_the_shared_component_owns_the_layer_and_the_keys(dev):
    stack = dev.stack
    assert _path(dev, stack.shared.layer) == "Shared/Dependencies"
    assert dev.only("AWS::Lambda::LayerVersion")[0].startswith("Shared")
    keys = (stack.shared.page_token_secret, stack.shared.reference_secret, stack.shared.pin_secret)
    assert {_path(dev, key) for key in keys} == {"Shared/PageTokenKey", "Shared/ReferenceIdKey", "Shared/PinKey"}
    # Their logical ids from before the move: a new one would replace the secret, and its value with it.
    later = (stack.shared.pin_secret, stack.alerts.master_secret, stack.reports.link_secret)  # made after the move, ids of their own
    moved = set(dev.resources("AWS::SecretsManager::Secret")) - {stack.resolve(key.secret_arn)["Ref"] for key in later}
    assert moved == {PAGE_TOKEN_KEY_LOGICAL_ID, REFERENCE_ID_KEY_LOGICAL_ID}
    assert stack.resolve(stack.shared.page_token_secret.secret_arn) == {"Ref": PAGE_TOKEN_KEY_LOGICAL_ID}
    assert stack.resolve(stack.shared.reference_secret.secret_arn) == {"Ref": REFERENCE_ID_KEY_LOGICAL_ID}
