"""Creates the AWS resources the product needs in an emulator (moto), from the same definitions the
stack uses: the table (with its stream, for the outbox publisher) from the pynamodb models (the infra
tests hold the CDK table to them), the bus by name, the secrets, every consumer's delivery path (rule
pattern, queue and dead-letter queue from each domain's models/delivery.py: notifications, followups, the
cases, alerts and reports domains' queues) with a verified SES sender, the alerts queue the monitoring
intake fills (with its dead-letter queue, infra/alert_queue.py), the three state machines from the very ASL
files the stack deploys (infra/workflows), whose tasks invoke the cases domain's timer step Lambda or the
alerts domain's incident timer step Lambda, each run in-process by local/lambda_runtime.py, a Cognito
user pool set up as infra/components/identity.py sets up the stack's, and the updates domain's EventBridge Scheduler
schedule group (moto answers 500 on a schedule in a missing group) with the update job's function and the role the
schedules invoke it with (infra/components/updates.py; moto's Scheduler fires nothing: local/event_sources.py
AtSchedules fires the one-time schedules, CronSchedule the crons). Used by the local stack and by the tests."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from typing import Protocol

import boto3

from functions.alerts.models import delivery as alerts_delivery
from functions.cases.dal.tables import CaseItem, IdempotencyItem, bind_tables
from functions.cases.models import delivery as cases_delivery
from functions.followups.models import delivery as followups_delivery
from functions.notifications.models import delivery as notifications_delivery
from functions.reports.models import delivery as reports_delivery
from functions.shared.auth import ACCOUNT_CLAIM, CONTACT_CLAIM, Group
from functions.shared.dal.directory import DIRECTORY_MODELS
from functions.shared.dal.table import bind_models
from infra import alert_queue
from infra.workflows import FOLLOW_UP_LADDER, INCIDENT_TIMER, RESPONSE_ESCALATION, definition
from local import lambda_runtime, moto_patches

LOCAL_SENDER_EMAIL = "notifications@support.example"
LOCAL_TESTING_DEPARTMENT_EMAIL = "testing@support.example"  # the stage's testing_department_email (infra/config.py)
# Where emails link cases to; `make run` points it at its local API (GET /cases/<n>) unless PORTAL_URL is set.
LOCAL_PORTAL_URL = "http://127.0.0.1:3000"
TIMER_STEP_HANDLER = "functions.cases.handlers.handle_timer_step.lambda_handler"
INCIDENT_TIMER_STEP_HANDLER = "functions.alerts.handlers.handle_timer_step.lambda_handler"
UPDATE_JOB_HANDLER = "functions.updates.handlers.handle_update_schedule.lambda_handler"


class DeliverySettings(Protocol):
    """What a domain's models/delivery.py module sets for its rule target queue."""

    MAX_RECEIVE_COUNT: int
    VISIBILITY_TIMEOUT_SECONDS: int


@dataclass(frozen=True)
class LocalResources:
    table_name: str
    table_stream_arn: str  # what the outbox publisher reads (local/event_sources.py TableStreamSource)
    event_bus_name: str
    page_token_secret_arn: str
    events_queue_url: str  # every event on the bus lands here, so it can be inspected
    reference_secret_arn: str
    pin_secret_arn: str  # the IVR PINs' HMAC key (functions/directory/logic/pins.py)
    notifications_queue_url: str  # the notifications rule's target (what the Lambda's event source reads)
    notifications_queue_arn: str
    followups_queue_url: str  # the followups rule's target
    followups_queue_arn: str
    follow_up_state_machine_arn: str
    response_escalation_state_machine_arn: str
    incident_timer_state_machine_arn: str  # the alerts domain's incident timers (started by followups)
    cases_queue_url: str  # the rule for other domains' events the cases domain reacts to (CaseFilesPurged)
    cases_queue_arn: str
    alerts_queue_url: str  # the monitoring intake's events, for the alerts processor
    alerts_queue_arn: str
    alerts_dead_letter_queue_url: str  # what the processor failed MAX_RECEIVE_COUNT times
    alerts_case_events_queue_url: str  # the alerts domain's rule: its monitoring cases opened, closed, reopened
    alerts_case_events_queue_arn: str
    alerts_master_secret_arn: str  # every monitoring integration's credentials derive from it
    reports_queue_url: str  # the reports domain's rule: case openings, closures, reopenings; recipients to confirm
    reports_queue_arn: str
    report_link_secret_arn: str  # the report recipients' signed links
    files_bucket: str
    user_pool_id: str  # what the local API Gateway's authorizer trusts (local/tokens.py CognitoAuthorizer)
    user_pool_client_id: str  # the app client the ID tokens are issued to (their audience)
    # Where clients post Cognito's JSON calls (GET /sign-in tells them): the endpoint this process's SDK uses,
    # moto's URL on the local stack; None where no client reaches it over HTTP (moto in-process: AWS's own).
    cognito_endpoint: str | None = None
    sender_email: str = LOCAL_SENDER_EMAIL
    portal_url: str = LOCAL_PORTAL_URL
    # The updates domain (infra/components/updates.py): the schedule group its API creates the validation-due schedules
    # in, the update job they invoke (a function in moto run in-process) and the role they invoke it with.
    updates_schedule_group: str = ""
    update_job_arn: str = ""
    updates_schedule_role_arn: str = ""
    testing_department_email: str = LOCAL_TESTING_DEPARTMENT_EMAIL

    @property
    def user_pool_issuer(self) -> str:
        """The ID tokens' `iss`, as Cognito names it (a pool id starts with its region)."""
        region = self.user_pool_id.split("_", 1)[0]
        return f"https://cognito-idp.{region}.amazonaws.com/{self.user_pool_id}"

    def environment(self) -> dict[str, str]:
        return {
            "TABLE_NAME": self.table_name,
            "EVENT_BUS_NAME": self.event_bus_name,
            "PAGE_TOKEN_SECRET_ARN": self.page_token_secret_arn,
            "REFERENCE_SECRET_ARN": self.reference_secret_arn,
            "PIN_SECRET_ARN": self.pin_secret_arn,
            "SENDER_EMAIL": self.sender_email,
            "PORTAL_URL": self.portal_url,
            "FOLLOW_UP_STATE_MACHINE_ARN": self.follow_up_state_machine_arn,
            "RESPONSE_ESCALATION_STATE_MACHINE_ARN": self.response_escalation_state_machine_arn,
            "INCIDENT_TIMER_STATE_MACHINE_ARN": self.incident_timer_state_machine_arn,
            "FILES_BUCKET": self.files_bucket,
            "ALERTS_QUEUE_URL": self.alerts_queue_url,
            "ALERTS_MASTER_SECRET_ARN": self.alerts_master_secret_arn,
            "REPORT_LINK_SECRET_ARN": self.report_link_secret_arn,
            "VALIDATION_SCHEDULE_GROUP": self.updates_schedule_group,
            "VALIDATION_SCHEDULE_TARGET_ARN": self.update_job_arn,
            "VALIDATION_SCHEDULE_ROLE_ARN": self.updates_schedule_role_arn,
            "TESTING_DEPARTMENT_EMAIL": self.testing_department_email,
            # The directory API's GET /sign-in (functions/shared/settings.py SignInSettings).
            "USER_POOL_ID": self.user_pool_id,
            "USER_POOL_CLIENT_ID": self.user_pool_client_id,
            "USER_POOL_REGION": self.user_pool_id.split("_", 1)[0],
            **({"COGNITO_ENDPOINT": self.cognito_endpoint} if self.cognito_endpoint else {}),
        }


def provision(prefix: str = "dss-local", cognito_endpoint: str | None = None) -> LocalResources:
    """`cognito_endpoint`: the URL clients reach the emulator's Cognito at (the local stack's moto server)."""
    moto_patches.apply()
    table_name, bus_name = f"{prefix}-support", f"{prefix}-support"
    bind_tables(table_name)  # CaseItem declares the whole key schema and every index
    bind_models(table_name, DIRECTORY_MODELS)
    if not CaseItem.exists():
        CaseItem.create_table(wait=True, billing_mode="PAY_PER_REQUEST")  # with the stream its Meta declares
        boto3.client("dynamodb").update_time_to_live(
            TableName=table_name, TimeToLiveSpecification={"Enabled": True, "AttributeName": IdempotencyItem.expires_at.attr_name}
        )
    events = boto3.client("events")
    if bus_name not in [bus["Name"] for bus in events.list_event_buses(NamePrefix=bus_name)["EventBuses"]]:
        events.create_event_bus(Name=bus_name)
    events_queue_url, events_queue_arn = _queue(f"{prefix}-all-events")
    _route(bus_name, f"{prefix}-all-events", {"source": [{"prefix": "dss."}]}, events_queue_arn)
    notifications_queue_url, notifications_queue_arn = _delivery_queue(f"{prefix}-notifications", notifications_delivery)
    _route(bus_name, f"{prefix}-notifications", notifications_delivery.EVENT_PATTERN, notifications_queue_arn)
    followups_queue_url, followups_queue_arn = _delivery_queue(f"{prefix}-followups", followups_delivery)
    _route(bus_name, f"{prefix}-followups", followups_delivery.EVENT_PATTERN, followups_queue_arn)
    timer_step_arn = _in_process_function(f"{prefix}-timer-step", TIMER_STEP_HANDLER)
    cases_queue_url, cases_queue_arn = _delivery_queue(f"{prefix}-cases", cases_delivery)
    _route(bus_name, f"{prefix}-cases", cases_delivery.EVENT_PATTERN, cases_queue_arn)
    alerts_dead_letter_queue_url, alerts_dead_letter_queue_arn = _queue(f"{prefix}-alerts-dlq")
    alerts_queue_url, alerts_queue_arn = _queue(
        f"{prefix}-alerts",
        VisibilityTimeout=str(alert_queue.VISIBILITY_TIMEOUT_SECONDS),
        RedrivePolicy=json.dumps({"deadLetterTargetArn": alerts_dead_letter_queue_arn, "maxReceiveCount": alert_queue.MAX_RECEIVE_COUNT}),
    )
    alerts_case_events_queue_url, alerts_case_events_queue_arn = _delivery_queue(f"{prefix}-alerts-case-events", alerts_delivery)
    _route(bus_name, f"{prefix}-alerts-case-events", alerts_delivery.EVENT_PATTERN, alerts_case_events_queue_arn)
    reports_queue_url, reports_queue_arn = _delivery_queue(f"{prefix}-reports", reports_delivery)
    _route(bus_name, f"{prefix}-reports", reports_delivery.EVENT_PATTERN, reports_queue_arn)
    incident_timer_step_arn = _in_process_function(f"{prefix}-incident-timer-step", INCIDENT_TIMER_STEP_HANDLER)
    files_bucket = f"{prefix}-case-files"
    s3 = boto3.client("s3")
    if files_bucket not in [bucket["Name"] for bucket in s3.list_buckets()["Buckets"]]:
        s3.create_bucket(Bucket=files_bucket)
    boto3.client("ses").verify_email_identity(EmailAddress=LOCAL_SENDER_EMAIL)  # moto sends only from verified identities
    user_pool_id, user_pool_client_id = _user_pool(prefix)
    updates_schedule_group = _schedule_group(f"{prefix}-updates")
    update_job_arn = _in_process_function(f"{prefix}-update-job", UPDATE_JOB_HANDLER)
    return LocalResources(
        table_name=table_name,
        table_stream_arn=boto3.client("dynamodb").describe_table(TableName=table_name)["Table"]["LatestStreamArn"],
        event_bus_name=bus_name,
        page_token_secret_arn=_secret(f"{prefix}/page-token-key"),
        events_queue_url=events_queue_url,
        reference_secret_arn=_secret(f"{prefix}/reference-id-key"),
        pin_secret_arn=_secret(f"{prefix}/pin-key"),
        notifications_queue_url=notifications_queue_url,
        notifications_queue_arn=notifications_queue_arn,
        followups_queue_url=followups_queue_url,
        followups_queue_arn=followups_queue_arn,
        follow_up_state_machine_arn=_state_machine(f"{prefix}-follow-up-ladder", FOLLOW_UP_LADDER, timer_step_arn),
        response_escalation_state_machine_arn=_state_machine(f"{prefix}-response-escalation", RESPONSE_ESCALATION, timer_step_arn),
        incident_timer_state_machine_arn=_state_machine(f"{prefix}-incident-timer", INCIDENT_TIMER, incident_timer_step_arn),
        cases_queue_url=cases_queue_url,
        cases_queue_arn=cases_queue_arn,
        alerts_queue_url=alerts_queue_url,
        alerts_queue_arn=alerts_queue_arn,
        alerts_dead_letter_queue_url=alerts_dead_letter_queue_url,
        alerts_case_events_queue_url=alerts_case_events_queue_url,
        alerts_case_events_queue_arn=alerts_case_events_queue_arn,
        alerts_master_secret_arn=_secret(f"{prefix}/alerts-master-key"),
        reports_queue_url=reports_queue_url,
        reports_queue_arn=reports_queue_arn,
        report_link_secret_arn=_secret(f"{prefix}/report-link-key"),
        files_bucket=files_bucket,
        user_pool_id=user_pool_id,
        user_pool_client_id=user_pool_client_id,
        cognito_endpoint=cognito_endpoint,
        updates_schedule_group=updates_schedule_group,
        update_job_arn=update_job_arn,
        updates_schedule_role_arn=_role(f"{prefix}-updates-schedule-role", "scheduler.amazonaws.com"),
    )


def _schedule_group(name: str) -> str:
    """An EventBridge Scheduler schedule group (the stack's ScheduleGroup), once."""
    scheduler = boto3.client("scheduler")
    try:
        scheduler.get_schedule_group(Name=name)
    except scheduler.exceptions.ResourceNotFoundException:
        scheduler.create_schedule_group(Name=name)
    return name


def _user_pool(prefix: str) -> tuple[str, str]:
    """The user pool and its app client as infra/components/identity.py declares them outside production: email
    sign-in, admin-created users only, the tenant attributes, optional TOTP MFA, a group per role, and a client
    without a secret that signs in with a password (or SRP) and refreshes."""
    cognito = boto3.client("cognito-idp")
    name, client_name = f"{prefix}-users", f"{prefix}-api"
    existing = [pool["Id"] for pool in cognito.list_user_pools(MaxResults=60)["UserPools"] if pool["Name"] == name]
    if existing:
        pool_id = existing[0]
        clients = cognito.list_user_pool_clients(UserPoolId=pool_id, MaxResults=60)["UserPoolClients"]
        return pool_id, next(client["ClientId"] for client in clients if client["ClientName"] == client_name)
    tenant_attribute = {"AttributeDataType": "String", "Mutable": True, "StringAttributeConstraints": {"MinLength": "1", "MaxLength": "64"}}
    pool_id = cognito.create_user_pool(
        PoolName=name,
        UsernameAttributes=["email"],
        UsernameConfiguration={"CaseSensitive": False},
        AdminCreateUserConfig={"AllowAdminCreateUserOnly": True},
        Schema=[
            {"Name": "email", "AttributeDataType": "String", "Required": True, "Mutable": True},
            {"Name": "name", "AttributeDataType": "String", "Required": False, "Mutable": True},
            *({"Name": claim.removeprefix("custom:"), **tenant_attribute} for claim in (ACCOUNT_CLAIM, CONTACT_CLAIM)),
        ],
        Policies={"PasswordPolicy": {
            "MinimumLength": 12, "RequireLowercase": True, "RequireUppercase": True, "RequireNumbers": True,
            "RequireSymbols": True, "TemporaryPasswordValidityDays": 3,
        }},
        AccountRecoverySetting={"RecoveryMechanisms": [{"Name": "verified_email", "Priority": 1}]},
    )["UserPool"]["Id"]  # fmt: skip
    cognito.set_user_pool_mfa_config(UserPoolId=pool_id, SoftwareTokenMfaConfiguration={"Enabled": True}, MfaConfiguration="OPTIONAL")
    for group in Group:
        cognito.create_group(UserPoolId=pool_id, GroupName=group.value)
    client_id = cognito.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName=client_name,
        GenerateSecret=False,
        ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        PreventUserExistenceErrors="ENABLED",
        EnableTokenRevocation=True,
        IdTokenValidity=60, AccessTokenValidity=60, RefreshTokenValidity=30,
        TokenValidityUnits={"IdToken": "minutes", "AccessToken": "minutes", "RefreshToken": "days"},
        WriteAttributes=["name"],  # the tenant attributes stay admin-only
    )["UserPoolClient"]["ClientId"]  # fmt: skip
    return pool_id, client_id


def _queue(name: str, **attributes: str) -> tuple[str, str]:
    sqs = boto3.client("sqs")
    url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
    return url, sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]


def _delivery_queue(name: str, delivery: DeliverySettings) -> tuple[str, str]:
    """A rule target queue with its dead-letter queue, as a domain's models/delivery.py defines them."""
    _, dead_letter_arn = _queue(f"{name}-dlq")
    redrive = json.dumps({"deadLetterTargetArn": dead_letter_arn, "maxReceiveCount": delivery.MAX_RECEIVE_COUNT})
    return _queue(name, VisibilityTimeout=str(delivery.VISIBILITY_TIMEOUT_SECONDS), RedrivePolicy=redrive)


def _in_process_function(name: str, handler: str) -> str:
    """A Lambda function in moto whose invocations run `handler` in this process."""
    lambda_runtime.register(name, handler)
    functions = boto3.client("lambda")
    try:
        return functions.get_function(FunctionName=name)["Configuration"]["FunctionArn"]
    except functions.exceptions.ResourceNotFoundException:
        role = _role(f"{name}-role", "lambda.amazonaws.com")
        code = {"ZipFile": b"runs in-process: local/lambda_runtime.py"}
        return functions.create_function(FunctionName=name, Runtime="python3.11", Role=role, Handler=handler, Code=code)["FunctionArn"]


def _state_machine(name: str, workflow: str, step_arn: str) -> str:
    """The state machine from infra/workflows, substituted as the stack's definition_substitutions does."""
    states = boto3.client("stepfunctions")
    existing = [machine["stateMachineArn"] for machine in states.list_state_machines()["stateMachines"] if machine["name"] == name]
    if existing:
        return existing[0]
    role = _role(f"{name}-role", "states.amazonaws.com")
    asl = definition(workflow, step_arn)
    return states.create_state_machine(name=name, definition=asl, roleArn=role, type="STANDARD")["stateMachineArn"]


def _role(name: str, service: str) -> str:
    iam = boto3.client("iam")
    try:
        return iam.get_role(RoleName=name)["Role"]["Arn"]
    except iam.exceptions.NoSuchEntityException:
        trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}]}
        return iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]


def _route(bus_name: str, rule_name: str, pattern: dict, queue_arn: str) -> None:
    events = boto3.client("events")
    events.put_rule(Name=rule_name, EventBusName=bus_name, EventPattern=json.dumps(pattern))
    events.put_targets(Rule=rule_name, EventBusName=bus_name, Targets=[{"Id": "queue", "Arn": queue_arn}])


def _secret(name: str) -> str:
    secretsmanager = boto3.client("secretsmanager")
    try:
        return secretsmanager.describe_secret(SecretId=name)["ARN"]
    except secretsmanager.exceptions.ResourceNotFoundException:
        return secretsmanager.create_secret(Name=name, SecretString=secrets.token_urlsafe(48))["ARN"]
