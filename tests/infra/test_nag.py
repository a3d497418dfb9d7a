"""cdk-nag (AWS Solutions) passes with only the reviewed acknowledgments, and fails synth otherwise."""

from __future__ import annotations

import pytest
from aws_cdk import App, Validations
from aws_cdk import aws_sqs as sqs
from aws_cdk.assertions import Annotations, Match, Template
from cdk_nag import AwsSolutionsChecks

from infra.app import build_app

from .synth import build_layer, cdk_context

pytestmark = pytest.mark.slow

# Every acknowledgment, where it sits (construct path below the stack) and which rule (finding) it covers.
# A new one must be added here on purpose, with its reason reviewed in the construct that makes it.
ACKNOWLEDGED_EVERYWHERE = {
    # The HMAC keys (components/shared.py) are never rotated on a schedule.
    ("Shared/PageTokenKey", "AwsSolutions-SMG4"),
    ("Shared/ReferenceIdKey", "AwsSolutions-SMG4"),
    ("Shared/PinKey", "AwsSolutions-SMG4"),
    *(("Portal/Distribution", f"AwsSolutions-CFR{rule}") for rule in (1, 2, 3, 4)),
    # A component's only function has the id "Default" (kept out of logical ids).
    ("Cases/Default/Function", "AwsSolutions-L1"),
    ("Cases/Default/Role", "AwsSolutions-IAM5[Resource::*]"),
    ("Notifications/Default/Function", "AwsSolutions-L1"),
    ("Notifications/Default/Role", "AwsSolutions-IAM5[Resource::*]"),
    ("Followups/TimerStep/Function", "AwsSolutions-L1"),
    ("Followups/TimerStep/Role", "AwsSolutions-IAM5[Resource::*]"),
    ("Followups/TimerEvents/Function", "AwsSolutions-L1"),
    ("Followups/TimerEvents/Role", "AwsSolutions-IAM5[Resource::*]"),
    # StopExecution on each state machine's executions (`execution:<name>:*`).
    *(
        (
            "Followups/TimerEvents/Role",
            f"AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:<{machine}.Name>:*]",
        )
        for machine in ("FollowupsFollowUpLadder96C48C69", "FollowupsResponseEscalation198128FA")
    ),
    ("Followups/FollowUpLadder/Role", "AwsSolutions-IAM5[Resource::*]"),  # log delivery and X-Ray
    ("Followups/IncidentTimer/Role", "AwsSolutions-IAM5[Resource::*]"),
    ("Files/Api/Function", "AwsSolutions-L1"),
    ("Directory/Function/Function", "AwsSolutions-L1"),
    ("Directory/Function/Role", "AwsSolutions-IAM5[Resource::*]"),
    ("Files/Api/Role", "AwsSolutions-IAM5[Resource::*]"),
    ("Purge/Daily/Function", "AwsSolutions-L1"),
    ("Purge/Daily/Role", "AwsSolutions-IAM5[Resource::*]"),
    ("Purge/Marking/Function", "AwsSolutions-L1"),
    ("Purge/Marking/Role", "AwsSolutions-IAM5[Resource::*]"),
    # Objects below cases/ of the case files bucket: keys are named by case and file at run time.
    ("Files/Api/Role", "AwsSolutions-IAM5[Resource::<FilesBucket7C17EE2E.Arn>/cases/*]"),
    ("Purge/Daily/Role", "AwsSolutions-IAM5[Resource::<FilesBucket7C17EE2E.Arn>/cases/*]"),
    # The purge's dead-letter queue (schedule target and on-failure destination) is itself a DLQ.
    ("Purge/DeadLetterQueue", "AwsSolutions-SQS3"),
    # The outbox publisher: its on-failure queue is itself the dead end; ListStreams has no resource scope.
    ("Outbox/FailureQueue", "AwsSolutions-SQS3"),
    ("Outbox/Publisher/Function", "AwsSolutions-L1"),
    ("Outbox/Publisher/Role", "AwsSolutions-IAM5[Resource::*]"),
    ("Followups/ResponseEscalation/Role", "AwsSolutions-IAM5[Resource::*]"),
    (
        "Api/RestApi/CloudWatchRole",
        "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]",
    ),
    ("Api/RestApi/Default/openapi.json/GET", "AwsSolutions-APIG4"),
    ("Api/RestApi/Default/openapi.json/GET", "AwsSolutions-COG4"),
    ("Api/RestApi/Default/swagger/GET", "AwsSolutions-APIG4"),
    ("Api/RestApi/Default/swagger/GET", "AwsSolutions-COG4"),
    # The public sign-in configuration (infra/components/api.py PUBLIC_ROUTE_REASONS): ids, no secret, no data.
    ("Api/RestApi/Default/sign-in/GET", "AwsSolutions-APIG4"),
    ("Api/RestApi/Default/sign-in/GET", "AwsSolutions-COG4"),
    # The monitoring intake (PUBLIC_ROUTE_REASONS): the routing key or the webhook signature is the credential.
    *(
        (f"Api/RestApi/Default/alerts/v1/{path}/POST", f"AwsSolutions-{rule}")
        for path in ("enqueue", "integrations/{integrationId}/events")
        for rule in ("APIG4", "COG4")
    ),
    ("Alerts/MasterKey", "AwsSolutions-SMG4"),
    ("Alerts/ApiFunction/Function", "AwsSolutions-L1"),
    ("Alerts/ApiFunction/Role", "AwsSolutions-IAM5[Resource::*]"),
    ("Alerts/IntakeFunction/Function", "AwsSolutions-L1"),
    ("Alerts/IntakeFunction/Role", "AwsSolutions-IAM5[Resource::*]"),
    ("Alerts/Processor/Function", "AwsSolutions-L1"),
    ("Alerts/BusIntake/Function", "AwsSolutions-L1"),
    ("Alerts/BusIntake/Role", "AwsSolutions-IAM5[Resource::*]"),
    ("Alerts/BusDeadLetterQueue", "AwsSolutions-SQS3"),
    ("Alerts/Processor/Role", "AwsSolutions-IAM5[Resource::*]"),
    ("Alerts/TimerStep/Function", "AwsSolutions-L1"),
    ("Alerts/TimerStep/Role", "AwsSolutions-IAM5[Resource::*]"),
    ("Alerts/CaseEvents/Function", "AwsSolutions-L1"),
    ("Alerts/CaseEvents/Role", "AwsSolutions-IAM5[Resource::*]"),
    # The reports (infra/components/reports.py): the recipients' link key is never rotated (emailed links carry it).
    ("Reports/LinkKey", "AwsSolutions-SMG4"),
    ("Reports/Api/Function", "AwsSolutions-L1"),
    ("Reports/Api/Role", "AwsSolutions-IAM5[Resource::*]"),
    ("Reports/Dispatcher/Function", "AwsSolutions-L1"),
    ("Reports/Dispatcher/Role", "AwsSolutions-IAM5[Resource::*]"),
    ("Reports/Events/Function", "AwsSolutions-L1"),
    ("Reports/Events/Role", "AwsSolutions-IAM5[Resource::*]"),
    # Objects below reports/ of the case files bucket: the archived CSVs, keyed by account, subscription and period.
    ("Reports/Api/Role", "AwsSolutions-IAM5[Resource::<FilesBucket7C17EE2E.Arn>/reports/*]"),
    ("Reports/Dispatcher/Role", "AwsSolutions-IAM5[Resource::<FilesBucket7C17EE2E.Arn>/reports/*]"),
    # The schedule's own role invokes the dispatcher and its versions (`:*`); the dispatcher's DLQ is itself a DLQ.
    ("Reports/ScheduleRole", "AwsSolutions-IAM5[Resource::<ReportsDispatcherFunction8314D4C8.Arn>:*]"),
    ("Reports/DeadLetterQueue", "AwsSolutions-SQS3"),
    # Platform updates (infra/components/updates.py): the validation-due schedules are named by KB at run time; the schedule
    # role invokes the job and its versions (`:*`); the jobs' dead-letter queue is itself a DLQ.
    ("Updates/Api/Function", "AwsSolutions-L1"),
    ("Updates/Api/Role", "AwsSolutions-IAM5[Resource::*]"),
    (
        "Updates/Api/Role",
        "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/"
        "<UpdatesScheduleGroup598DF390>/validation-due-*]",
    ),
    ("Updates/Job/Function", "AwsSolutions-L1"),
    ("Updates/Job/Role", "AwsSolutions-IAM5[Resource::*]"),
    ("Updates/ScheduleRole", "AwsSolutions-IAM5[Resource::<UpdatesJobFunction56B2A7FD.Arn>:*]"),
    ("Updates/DeadLetterQueue", "AwsSolutions-SQS3"),
    # The report recipients' signed links (PUBLIC_ROUTE_REASONS): the HMAC-signed token is the credential.
    *(
        (f"Api/RestApi/Default/report-subscriptions/{path}/POST", f"AwsSolutions-{rule}")
        for path in ("confirm", "unsubscribe")
        for rule in ("APIG4", "COG4")
    ),
}
ACKNOWLEDGED_OUTSIDE_PROD = {
    ("Identity/UserPool", "AwsSolutions-COG2"),  # MFA optional
    ("Api/RestApi/DeploymentStage.v1", "AwsSolutions-APIG3"),  # no WAF
}


def _acknowledgments(synth) -> dict[tuple[str, str], str]:
    found = {}
    for construct in synth.app.node.find_all():
        for entry in construct.node.metadata:
            if entry.type == Validations.ACKNOWLEDGED_RULES_METADATA_KEY:
                path = construct.node.path.removeprefix(f"{synth.stack.node.path}/")
                found |= {(path, rule.removeprefix("Annotation::")): reason for rule, reason in entry.data.items()}
    return found


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_no_unacknowledged_findings(stage, request):
    synth = request.getfixturevalue(stage)
    report = AwsSolutionsChecks().validate_scope(synth.app)
    assert [(violation.rule_name, violation.severity) for violation in report.violations] == []
    annotations = Annotations.from_stack(synth.stack)
    assert annotations.find_error("*", Match.any_value()) == []
    assert annotations.find_warning("*", Match.any_value()) == []


def test_acknowledgments_are_the_reviewed_ones_with_reasons(dev, prod):
    assert set(_acknowledgments(dev)) == ACKNOWLEDGED_EVERYWHERE | ACKNOWLEDGED_OUTSIDE_PROD
    assert set(_acknowledgments(prod)) == ACKNOWLEDGED_EVERYWHERE
    for (path, rule), reason in (_acknowledgments(dev) | _acknowledgments(prod)).items():
        assert len(reason) >= 60, f"{rule} on {path}: give a specific reason"


def test_an_unacknowledged_finding_fails_synth(tmp_path):
    build_layer()
    app, stack = build_app(App(context=cdk_context("dev"), outdir=str(tmp_path)))
    sqs.Queue(stack, "Unchecked")  # no DLQ, no TLS-only policy
    with pytest.raises(RuntimeError, match="ValidationFailed"):
        Template.from_stack(stack)
