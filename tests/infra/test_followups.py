"""The timers in the stack: the three Standard state machines from infra/workflows (logged, traced, alarmed),
the step Lambda each one's tasks invoke (the cases domain's timer step for the case timers, the alerts
domain's for the incident timer), and the followups path rule → queue (+ dead-letter queue and its alarm) →
Lambda that starts and stops executions; each role can do exactly what its code does."""

from __future__ import annotations

import json
import re

import pytest

from functions.followups.models.delivery import (
    BATCH_SIZE,
    EVENT_PATTERN,
    FUNCTION_TIMEOUT_SECONDS,
    MAX_RECEIVE_COUNT,
    VISIBILITY_TIMEOUT_SECONDS,
)
from infra.constants import LAMBDA_PYTHON_VERSION
from infra.workflows import (
    FOLLOW_UP_LADDER,
    INCIDENT_TIMER,
    INCIDENT_TIMER_STEP_PLACEHOLDER,
    RESPONSE_ESCALATION,
    TIMER_STEP_PLACEHOLDER,
    WORKFLOWS_DIR,
)

from .synth import role_statements, statement_triples

pytestmark = pytest.mark.slow

COMPONENT = "Followups"
TIMER_STEP_HANDLER = "functions.cases.handlers.handle_timer_step.lambda_handler"
INCIDENT_TIMER_STEP_HANDLER = "functions.alerts.handlers.handle_timer_step.lambda_handler"
TIMER_EVENTS_HANDLER = "functions.followups.handlers.handle_timer_events.lambda_handler"
DEFINITIONS = {
    "follow-up-ladder": WORKFLOWS_DIR / FOLLOW_UP_LADDER,
    "response-escalation": WORKFLOWS_DIR / RESPONSE_ESCALATION,
    "incident-timer": WORKFLOWS_DIR / INCIDENT_TIMER,
}
# Each state machine's step Lambda: its placeholder in the ASL, its handler (and the component that builds it).
STEPS = {
    "follow-up-ladder": (TIMER_STEP_PLACEHOLDER, TIMER_STEP_HANDLER, COMPONENT),
    "response-escalation": (TIMER_STEP_PLACEHOLDER, TIMER_STEP_HANDLER, COMPONENT),
    "incident-timer": (INCIDENT_TIMER_STEP_PLACEHOLDER, INCIDENT_TIMER_STEP_HANDLER, "Alerts"),
}
# The case timers are stopped when their case no longer needs them; an incident timer never is.
STOPPED = ("follow-up-ladder", "response-escalation")
PLACEHOLDER = re.compile(r"\$\{(\w+)\}")
RUNTIME_ENVIRONMENT = {
    "POWERTOOLS_SERVICE_NAME": "dss",
    "POWERTOOLS_METRICS_NAMESPACE": "DedicatedSupportServices",
    "PYDANTIC_DISABLE_PLUGINS": "__all__",
}


def _arn(logical_id: str) -> dict:
    return {"Fn::GetAtt": [logical_id, "Arn"]}


def _state_machines(synth) -> dict[str, tuple[str, dict]]:
    """{purpose: (logical id, properties)}, purpose as in dss-<stage>-<purpose>."""
    prefix = f"dss-{synth.config.name}-"
    machines = {
        properties["StateMachineName"].removeprefix(prefix): (key, properties)
        for key, value in synth.resources("AWS::StepFunctions::StateMachine").items()
        if (properties := value["Properties"])["StateMachineName"].startswith(prefix)
    }
    assert set(machines) == set(DEFINITIONS)
    return machines


def _function(synth, handler: str, component: str = COMPONENT) -> tuple[str, dict]:
    (found,) = [
        (key, value["Properties"])
        for key, value in synth.resources("AWS::Lambda::Function").items()
        if value["Properties"]["Handler"] == handler
    ]
    assert found[0].startswith(component)
    return found


def _step(synth, purpose: str) -> tuple[str, str]:
    """The state machine's step Lambda: its placeholder in the ASL and its logical id."""
    placeholder, handler, component = STEPS[purpose]
    return placeholder, _function(synth, handler, component)[0]


def _queues(synth) -> tuple[str, dict, str, dict]:
    queues = {key: value["Properties"] for key, value in synth.resources("AWS::SQS::Queue").items() if key.startswith(COMPONENT)}
    (queue_id,) = [key for key, queue in queues.items() if "RedrivePolicy" in queue]
    (dead_letter_id,) = set(queues) - {queue_id}
    return queue_id, queues[queue_id], dead_letter_id, queues[dead_letter_id]


def _role(function: dict) -> str:
    return function["Role"]["Fn::GetAtt"][0]


def _log_group_arn(function: dict) -> dict:
    return _arn(function["LoggingConfig"]["LogGroup"]["Ref"])


def _staged_definition(synth, machine: dict) -> str:
    location = machine["DefinitionS3Location"]
    assert "DefinitionString" not in machine
    return (synth.outdir / f"asset.{location['Key']}").read_text()


# State machines


def test_state_machines_are_standard_logged_and_traced(dev, prod):
    for synth in (dev, prod):
        for purpose, (_, machine) in _state_machines(synth).items():
            assert machine["StateMachineName"] == f"dss-{synth.config.name}-{purpose}"
            assert machine["StateMachineType"] == "STANDARD"
            assert machine["TracingConfiguration"] == {"Enabled": True}
            logging = machine["LoggingConfiguration"]
            assert (logging["Level"], logging["IncludeExecutionData"]) == ("ALL", True)
            (destination,) = logging["Destinations"]
            log_group_id = destination["CloudWatchLogsLogGroup"]["LogGroupArn"]["Fn::GetAtt"][0]
            log_group = synth.resources("AWS::Logs::LogGroup")[log_group_id]["Properties"]
            assert log_group["LogGroupName"] == f"/aws/vendedlogs/states/dss-{synth.config.name}-{purpose}"
            assert log_group["RetentionInDays"] == {"dev": 7, "prod": 90}[synth.config.name]


def test_definitions_are_the_asl_files_with_their_step_substituted(dev):
    for purpose, (_, machine) in _state_machines(dev).items():
        placeholder, step_id = _step(dev, purpose)
        source = DEFINITIONS[purpose].read_text()
        staged = _staged_definition(dev, machine)
        assert json.loads(staged) == json.loads(source)  # the very file the tests and the local stack run
        # Every placeholder of the file, and only those, is substituted (by CloudFormation, on deploy).
        assert set(PLACEHOLDER.findall(staged)) == set(machine["DefinitionSubstitutions"]) == {placeholder}
        assert machine["DefinitionSubstitutions"][placeholder] == _arn(step_id)
        substituted = json.loads(PLACEHOLDER.sub(lambda match: f"arn:aws:lambda:eu-west-1:111111111111:function:{match[1]}", staged))
        assert "${" not in json.dumps(substituted)
        states = substituted["States"]
        assert set(states) == set(json.loads(source)["States"])
        tasks = {name: state for name, state in states.items() if state["Type"] == "Task"}
        assert tasks and {state["Resource"] for state in tasks.values()} == {"arn:aws:states:::lambda:invoke"}
        assert {state["Parameters"]["FunctionName"] for state in tasks.values()} == {
            f"arn:aws:lambda:eu-west-1:111111111111:function:{placeholder}"
        }
        # Each Task's own timeout leaves the function's whole timeout to run.
        assert all(state["TimeoutSeconds"] > 30 for state in tasks.values())


LAMBDA_SERVICE_ERRORS = [
    "Lambda.ServiceException",
    "Lambda.AWSLambdaException",
    "Lambda.SdkClientException",
    "Lambda.TooManyRequestsException",
]


def test_each_step_outlasts_an_outage_of_hours_before_failing_its_execution():
    """A step that fails (the table or the bus unavailable) is retried for hours, not minutes: a timer
    must not end stuck in the past over an outage (the execution's failure then calls a human)."""
    for definition in DEFINITIONS.values():
        tasks = [state for state in json.loads(definition.read_text())["States"].values() if state["Type"] == "Task"]
        assert tasks
        for task in tasks:
            service, failed = task["Retry"]
            assert service["ErrorEquals"] == LAMBDA_SERVICE_ERRORS
            assert failed["ErrorEquals"] == ["States.TaskFailed", "States.Timeout"]
            waits = [
                min(failed["IntervalSeconds"] * failed["BackoffRate"] ** attempt, failed["MaxDelaySeconds"])
                for attempt in range(failed["MaxAttempts"])
            ]
            assert failed["MaxDelaySeconds"] == 3600 and sum(waits) >= 5 * 3600


def test_the_incident_timer_waits_once_then_sends_its_step_the_incident_and_token():
    states = json.loads(DEFINITIONS["incident-timer"].read_text())["States"]
    assert [state["Type"] for state in states.values()] == ["Wait", "Task"]  # two states entered per timer
    wait, task = states.values()
    assert wait["TimestampPath"] == "$.wakeAt"
    assert task["Parameters"]["Payload"] == {
        "accountId.$": "$.accountId",
        "groupId.$": "$.groupId",
        "step.$": "$.step",
        "token.$": "$.token",
    }
    assert task["ResultSelector"] == {"timerCurrent.$": "$.Payload.timerCurrent"} and task["End"] is True


def test_state_machine_roles_may_only_invoke_their_step_function(dev):
    machines = _state_machines(dev)
    assert len({machine["RoleArn"]["Fn::GetAtt"][0] for _, machine in machines.values()}) == len(machines)  # a role each
    for purpose, (machine_id, machine) in machines.items():
        _, step_id = _step(dev, purpose)
        role_id = machine["RoleArn"]["Fn::GetAtt"][0]
        assert role_id.startswith(f"{machine_id[:-8]}Role")  # its own (logical ids end in an 8-character hash)
        trust = dev.resources("AWS::IAM::Role")[role_id]["Properties"]["AssumeRolePolicyDocument"]["Statement"]
        assert [statement["Principal"] for statement in trust] == [{"Service": "states.amazonaws.com"}]
        granted = statement_triples(role_statements(dev, role_id))
        expected = [
            {"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": _arn(step_id)},  # no versions or aliases
            # What Step Functions needs to deliver logs and traces; no resource-level permissions exist for these.
            {
                "Effect": "Allow",
                "Action": [
                    "logs:CreateLogDelivery",
                    "logs:GetLogDelivery",
                    "logs:UpdateLogDelivery",
                    "logs:DeleteLogDelivery",
                    "logs:ListLogDeliveries",
                    "logs:PutResourcePolicy",
                    "logs:DescribeResourcePolicies",
                    "logs:DescribeLogGroups",
                    "xray:PutTraceSegments",
                    "xray:PutTelemetryRecords",
                    "xray:GetSamplingRules",
                    "xray:GetSamplingTargets",
                ],
                "Resource": "*",
            },
        ]
        assert granted == statement_triples(expected)
        assert {action for action, _, _ in granted if not action.startswith(("logs:", "xray:"))} == {"lambda:InvokeFunction"}


def test_alarms_watch_failed_and_timed_out_executions(dev):
    alarms = [value["Properties"] for key, value in dev.resources("AWS::CloudWatch::Alarm").items() if key.startswith(COMPONENT)]
    watched = {
        (alarm["MetricName"], alarm["Dimensions"][0]["Value"]["Ref"])
        for alarm in alarms
        if alarm["Namespace"] == "AWS/States" and [dimension["Name"] for dimension in alarm["Dimensions"]] == ["StateMachineArn"]
    }
    machine_ids = [machine_id for machine_id, _ in _state_machines(dev).values()]
    assert watched == {(metric, machine_id) for metric in ("ExecutionsFailed", "ExecutionsTimedOut") for machine_id in machine_ids}
    for alarm in alarms:
        if alarm["Namespace"] == "AWS/States":
            assert (alarm["Statistic"], alarm["ComparisonOperator"], alarm["Threshold"]) == ("Sum", "GreaterThanOrEqualToThreshold", 1)
            assert alarm["TreatMissingData"] == "notBreaching"


# The timer step Lambda


def test_timer_step_function_settings_and_environment(dev):
    _, function = _function(dev, TIMER_STEP_HANDLER)
    _, cases_function = dev.one("AWS::Lambda::Function", "Cases")
    assert function["Runtime"] == f"python{LAMBDA_PYTHON_VERSION}"
    assert function["Architectures"] == ["arm64"]
    assert function["Timeout"] == 30
    assert function["TracingConfig"] == {"Mode": "Active"}
    assert function["Layers"] == cases_function["Properties"]["Layers"]  # one dependency layer for the stack
    assert function["Code"] == cases_function["Properties"]["Code"]  # the same functions/ asset
    assert function["Environment"]["Variables"] == {
        "TABLE_NAME": {"Ref": dev.only("AWS::DynamoDB::Table")[0]},
        "POWERTOOLS_LOG_LEVEL": dev.config.log_level,
        **RUNTIME_ENVIRONMENT,
        **dev.config.business_time,
    }


def test_timer_step_role_is_exactly_least_privilege(dev):
    _, function = _function(dev, TIMER_STEP_HANDLER)
    table_arn = _arn(dev.only("AWS::DynamoDB::Table")[0])
    leading = "ForAllValues:StringLike"
    expected = [
        {
            "Effect": "Allow",
            "Action": "dynamodb:GetItem",
            "Resource": table_arn,
            "Condition": {leading: {"dynamodb:LeadingKeys": ["CASE#*"]}},
        },
        {
            "Effect": "Allow",
            "Action": "dynamodb:PutItem",
            "Resource": table_arn,
            "Condition": {leading: {"dynamodb:LeadingKeys": ["CASE#*"]}},
        },
        {"Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": _arn(dev.one("AWS::KMS::Key", "Data")[0])},
        {"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource": _log_group_arn(function)},
        {"Effect": "Allow", "Action": ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], "Resource": "*"},
    ]
    assert statement_triples(role_statements(dev, _role(function))) == statement_triples(expected)


# The followups path: rule → queue → Lambda


def test_the_rule_sends_the_timer_events_to_the_queue(dev):
    queue_id, _, dead_letter_id, _ = _queues(dev)
    rule = dev.one("AWS::Events::Rule", COMPONENT)[1]["Properties"]
    assert rule["EventBusName"] == {"Ref": dev.one("AWS::Events::EventBus", "Events")[0]}
    assert rule["EventPattern"] == EVENT_PATTERN
    assert rule["Targets"] == [{"Id": "Target0", "Arn": _arn(queue_id), "DeadLetterConfig": {"Arn": _arn(dead_letter_id)}}]


def test_queue_has_a_dead_letter_queue_and_both_are_encrypted_and_tls_only(dev):
    queue_id, queue, dead_letter_id, dead_letter = _queues(dev)
    assert queue["RedrivePolicy"] == {"deadLetterTargetArn": _arn(dead_letter_id), "maxReceiveCount": MAX_RECEIVE_COUNT}
    assert queue["VisibilityTimeout"] == VISIBILITY_TIMEOUT_SECONDS >= 6 * FUNCTION_TIMEOUT_SECONDS
    assert dead_letter["MessageRetentionPeriod"] == 14 * 24 * 3600
    assert queue["SqsManagedSseEnabled"] is dead_letter["SqsManagedSseEnabled"] is True
    policies = {
        policy["Properties"]["Queues"][0]["Ref"]: policy["Properties"]["PolicyDocument"]["Statement"]
        for policy in dev.resources("AWS::SQS::QueuePolicy").values()
    }
    rule_id = dev.one("AWS::Events::Rule", COMPONENT)[0]
    for name in (queue_id, dead_letter_id):
        assert {
            "Action": "sqs:*",
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            "Effect": "Deny",
            "Principal": {"AWS": "*"},
            "Resource": _arn(name),
        } in policies[name]
        allowed = [statement for statement in policies[name] if statement["Effect"] == "Allow"]
        assert [statement["Principal"] for statement in allowed] == [{"Service": "events.amazonaws.com"}]
        assert allowed[0]["Condition"] == {"ArnEquals": {"aws:SourceArn": _arn(rule_id)}}


def test_an_alarm_watches_the_dead_letter_queue(dev):
    _, _, dead_letter_id, _ = _queues(dev)
    (alarm,) = [
        value["Properties"]
        for key, value in dev.resources("AWS::CloudWatch::Alarm").items()
        if key.startswith(COMPONENT) and value["Properties"]["Namespace"] == "AWS/SQS"
    ]
    assert (alarm["MetricName"], alarm["Statistic"]) == ("ApproximateNumberOfMessagesVisible", "Maximum")
    assert alarm["Dimensions"] == [{"Name": "QueueName", "Value": {"Fn::GetAtt": [dead_letter_id, "QueueName"]}}]
    assert (alarm["ComparisonOperator"], alarm["Threshold"], alarm["EvaluationPeriods"]) == ("GreaterThanOrEqualToThreshold", 1, 1)
    assert alarm["TreatMissingData"] == "notBreaching"


def test_the_function_reads_the_queue_in_batches_reporting_item_failures(dev):
    queue_id, *_ = _queues(dev)
    function_id, _ = _function(dev, TIMER_EVENTS_HANDLER)
    mapping = dev.one("AWS::Lambda::EventSourceMapping", COMPONENT)[1]["Properties"]
    assert mapping["FunctionName"] == {"Ref": function_id}
    assert mapping["EventSourceArn"] == _arn(queue_id)
    assert mapping["BatchSize"] == BATCH_SIZE
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]


def test_followups_function_settings_and_environment(dev, prod):
    for synth in (dev, prod):
        _, function = _function(synth, TIMER_EVENTS_HANDLER)
        _, cases_function = synth.one("AWS::Lambda::Function", "Cases")
        assert function["Runtime"] == f"python{LAMBDA_PYTHON_VERSION}"
        assert function["Architectures"] == ["arm64"]
        assert function["Timeout"] == FUNCTION_TIMEOUT_SECONDS
        assert function["TracingConfig"] == {"Mode": "Active"}
        assert function["Layers"] == cases_function["Properties"]["Layers"]
        assert function["Code"] == cases_function["Properties"]["Code"]
        machines = _state_machines(synth)
        assert function["Environment"]["Variables"] == {
            "FOLLOW_UP_STATE_MACHINE_ARN": {"Ref": machines["follow-up-ladder"][0]},
            "RESPONSE_ESCALATION_STATE_MACHINE_ARN": {"Ref": machines["response-escalation"][0]},
            "INCIDENT_TIMER_STATE_MACHINE_ARN": {"Ref": machines["incident-timer"][0]},
            "POWERTOOLS_LOG_LEVEL": synth.config.log_level,
            **RUNTIME_ENVIRONMENT,
        }


def test_no_function_of_the_stack_compresses_timers(dev, prod):
    # DSS_TIMER_TIME_SCALE makes timers wake sooner than their business deadlines: the local stack's only.
    for synth in (dev, prod):
        for function in synth.resources("AWS::Lambda::Function").values():
            assert "DSS_TIMER_TIME_SCALE" not in function["Properties"].get("Environment", {}).get("Variables", {})


def test_followups_role_is_exactly_least_privilege(dev):
    _, function = _function(dev, TIMER_EVENTS_HANDLER)
    queue_id, *_ = _queues(dev)
    machines = _state_machines(dev)
    machine_ids = [machine_id for machine_id, _ in machines.values()]
    stopped_ids = [machines[purpose][0] for purpose in STOPPED]

    def executions(machine_id: str) -> dict:
        partition, region, account = ({"Ref": f"AWS::{name}"} for name in ("Partition", "Region", "AccountId"))
        return {
            "Fn::Join": [
                "",
                ["arn:", partition, ":states:", region, ":", account, ":execution:", {"Fn::GetAtt": [machine_id, "Name"]}, ":*"],
            ]
        }

    expected = [
        {"Effect": "Allow", "Action": "states:StartExecution", "Resource": [{"Ref": machine_id} for machine_id in machine_ids]},
        # Only the case timers' executions: nothing stops an incident timer's.
        {"Effect": "Allow", "Action": "states:StopExecution", "Resource": [executions(machine_id) for machine_id in stopped_ids]},
        {
            "Effect": "Allow",
            "Action": [
                "sqs:ReceiveMessage",
                "sqs:ChangeMessageVisibility",
                "sqs:GetQueueUrl",
                "sqs:DeleteMessage",
                "sqs:GetQueueAttributes",
            ],
            "Resource": _arn(queue_id),
        },
        {"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource": _log_group_arn(function)},
        {"Effect": "Allow", "Action": ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], "Resource": "*"},
    ]
    granted = statement_triples(role_statements(dev, _role(function)))
    assert granted == statement_triples(expected)
    assert not [action for action, _, _ in granted if action.startswith(("dynamodb:", "kms:", "secretsmanager:"))]
