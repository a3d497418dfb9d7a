"""Case files in the stack: the bucket (SSE-KMS with its own key, TLS only, no public access, unversioned,
access-logged, incomplete uploads aborted), the files API Lambda behind the API's authorizer, and a role
that can do exactly what functions/files does (presigned URLs act with it)."""

from __future__ import annotations

import importlib
import json

import pytest

from functions.reports.dal.report_store import RUNS_KEPT_FOR
from functions.shared.settings import FilesSettings
from infra.components.shared import PAGE_TOKEN_KEY_LOGICAL_ID
from infra.constants import LAMBDA_PYTHON_VERSION

from .synth import role_statements, statement_triples, statements_by_role
from .test_api import FILE_ROUTES, _routes

pytestmark = pytest.mark.slow

COMPONENT = "Files"
HANDLER = "functions.files.handlers.api.lambda_handler"
RUNTIME_ENVIRONMENT = {
    "POWERTOOLS_SERVICE_NAME": "dss",
    "POWERTOOLS_METRICS_NAMESPACE": "DedicatedSupportServices",
    "PYDANTIC_DISABLE_PLUGINS": "__all__",
}
LEADING = "ForAllValues:StringLike"


def _arn(logical_id: str) -> dict:
    return {"Fn::GetAtt": [logical_id, "Arn"]}


def _objects(bucket_id: str, pattern: str = "/*") -> dict:
    return {"Fn::Join": ["", [_arn(bucket_id), pattern]]}


def _buckets(synth) -> tuple[str, dict, str, dict]:
    """(files bucket id, its resource, access-log bucket id, its resource)."""
    buckets = synth.resources("AWS::S3::Bucket")
    # The stack's only buckets besides the portal's site (tests/infra/test_portal.py).
    assert {key for key in buckets if not key.startswith("PortalSite")} == {key for key in buckets if key.startswith(COMPONENT)}
    (files_id,) = [key for key in buckets if key.startswith("FilesBucket")]
    (logs_id,) = [key for key in buckets if key.startswith("FilesAccessLogs")]
    return files_id, buckets[files_id], logs_id, buckets[logs_id]


def _bucket_policy(synth, bucket_id: str) -> list[dict]:
    (policy,) = [
        value["Properties"]["PolicyDocument"]["Statement"]
        for value in synth.resources("AWS::S3::BucketPolicy").values()
        if value["Properties"]["Bucket"] == {"Ref": bucket_id}
    ]
    return policy


def _tls_only(bucket_id: str) -> list[dict]:
    resources = [_arn(bucket_id), _objects(bucket_id)]
    return [
        {
            "Action": "s3:*",
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            "Effect": "Deny",
            "Principal": {"AWS": "*"},
            "Resource": resources,
        },
        {
            "Action": "s3:*",
            "Condition": {"NumericLessThan": {"s3:TlsVersion": 1.2}},
            "Effect": "Deny",
            "Principal": {"AWS": "*"},
            "Resource": resources,
        },
    ]


def _function(synth) -> tuple[str, dict]:
    function_id, function = synth.one("AWS::Lambda::Function", COMPONENT)
    assert function["Properties"]["Handler"] == HANDLER
    return function_id, function["Properties"]


BLOCK_ALL = {"BlockPublicAcls": True, "BlockPublicPolicy": True, "IgnorePublicAcls": True, "RestrictPublicBuckets": True}


# The bucket


def test_bucket_is_encrypted_with_its_own_rotated_key_and_a_bucket_key(dev):
    files_id, bucket, _, _ = _buckets(dev)
    key_id, key = dev.one("AWS::KMS::Key", COMPONENT)
    assert key_id != dev.one("AWS::KMS::Key", "Data")[0]  # not the table's key
    assert key["Properties"]["EnableKeyRotation"] is True
    assert bucket["Properties"]["BucketEncryption"] == {
        "ServerSideEncryptionConfiguration": [
            {"BucketKeyEnabled": True, "ServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": _arn(key_id)}}
        ]
    }


def test_bucket_is_private_tls_only_unversioned_and_lets_only_the_portal_put_parts(dev, prod):
    for synth in (dev, prod):
        files_id, bucket, _, _ = _buckets(synth)
        properties = bucket["Properties"]
        assert properties["PublicAccessBlockConfiguration"] == BLOCK_ALL
        assert properties["OwnershipControls"] == {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}  # no ACLs
        assert "VersioningConfiguration" not in properties  # the purge's deletes are final
        assert len(properties["CorsConfiguration"]["CorsRules"]) == 1  # the portal's part PUTs (tests/infra/test_portal.py)
        assert "BucketName" not in properties  # generated, so stages and accounts never collide
        # Only the TLS denials: no principal is allowed anything by the bucket policy; access is by IAM roles.
        assert _bucket_policy(synth, files_id) == _tls_only(files_id)


def test_incomplete_multipart_uploads_are_aborted_after_three_days(dev):
    """No rule expires a case's files (the purge deletes them); the reports' archived CSVs, below reports/ alone, expire
    with their runs' records (functions/reports/dal/report_store.py RUNS_KEPT_FOR)."""
    _, bucket, _, _ = _buckets(dev)
    assert bucket["Properties"]["LifecycleConfiguration"] == {
        "Rules": [
            {"Id": "AbortIncompleteUploads", "Status": "Enabled", "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7}},
            {"Id": "ExpireReportArchives", "Status": "Enabled", "Prefix": "reports/", "ExpirationInDays": RUNS_KEPT_FOR.days},
        ]
    }
    assert RUNS_KEPT_FOR.days == 400


def test_access_logs_go_to_a_private_expiring_bucket_by_bucket_policy(dev, prod):
    for synth, days in ((dev, 30), (prod, 365)):
        files_id, bucket, logs_id, logs = _buckets(synth)
        assert bucket["Properties"]["LoggingConfiguration"] == {"DestinationBucketName": {"Ref": logs_id}, "LogFilePrefix": "case-files/"}
        properties = logs["Properties"]
        # S3 delivers access logs only to SSE-S3 buckets.
        assert properties["BucketEncryption"] == {
            "ServerSideEncryptionConfiguration": [{"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
        }
        assert properties["PublicAccessBlockConfiguration"] == BLOCK_ALL
        assert properties["OwnershipControls"] == {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
        assert "AccessControl" not in properties  # no LogDeliveryWrite ACL
        assert properties["LifecycleConfiguration"] == {
            "Rules": [{"Id": "ExpireAccessLogs", "Status": "Enabled", "ExpirationInDays": days}]
        }
        portal_id = next(bucket_id for bucket_id in synth.resources("AWS::S3::Bucket") if bucket_id.startswith("PortalSite"))

        def delivery(source_id: str, prefix: str, logs_id: str = logs_id) -> dict:
            return {
                "Action": "s3:PutObject",
                "Condition": {
                    "ArnLike": {"aws:SourceArn": _arn(source_id)},
                    "StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}},
                },
                "Effect": "Allow",
                "Principal": {"Service": "logging.s3.amazonaws.com"},
                "Resource": _objects(logs_id, f"/{prefix}/*"),
            }

        # The case files' and the portal site's access logs, each under its prefix.
        assert _bucket_policy(synth, logs_id) == [*_tls_only(logs_id), delivery(files_id, "case-files"), delivery(portal_id, "portal")]


def test_files_are_kept_in_prod_and_disposable_elsewhere(dev, prod):
    for synth, policy in ((dev, "Delete"), (prod, "Retain")):
        _, bucket, _, logs = _buckets(synth)
        _, key = synth.one("AWS::KMS::Key", COMPONENT)
        assert bucket["DeletionPolicy"] == logs["DeletionPolicy"] == key["DeletionPolicy"] == policy
    assert not dev.resources("Custom::S3AutoDeleteObjects")  # no Node.js custom resource in the stack


def test_the_bucket_name_is_an_output(dev):
    files_id, *_ = _buckets(dev)
    assert dev.template.to_json()["Outputs"]["FilesBucketName"]["Value"] == {"Ref": files_id}


# The files API Lambda


def test_function_settings_and_environment(dev, prod):
    for synth in (dev, prod):
        _, function = _function(synth)
        _, cases_function = synth.one("AWS::Lambda::Function", "Cases")
        module, handler = function["Handler"].rsplit(".", 1)
        assert callable(getattr(importlib.import_module(module), handler))
        assert function["Runtime"] == f"python{LAMBDA_PYTHON_VERSION}"
        assert function["Architectures"] == ["arm64"]
        assert function["MemorySize"] == 512
        assert function["Timeout"] == 29  # API Gateway's integration limit
        assert function["TracingConfig"] == {"Mode": "Active"}
        assert function["Layers"] == cases_function["Properties"]["Layers"]
        assert function["Code"] == cases_function["Properties"]["Code"]
        files_id, *_ = _buckets(synth)
        variables = function["Environment"]["Variables"]
        assert variables == {
            "TABLE_NAME": {"Ref": synth.only("AWS::DynamoDB::Table")[0]},
            "FILES_BUCKET": {"Ref": files_id},
            "PAGE_TOKEN_SECRET_ARN": {"Ref": _page_token_secret(synth)},
            "POWERTOOLS_LOG_LEVEL": synth.config.log_level,
            **RUNTIME_ENVIRONMENT,
        }
        required = {name.upper() for name, field in FilesSettings.model_fields.items() if field.is_required()}
        assert required <= set(variables)  # what files_settings() needs (the others have defaults)
        log_group = synth.resources("AWS::Logs::LogGroup")[function["LoggingConfig"]["LogGroup"]["Ref"]]
        assert log_group["Properties"]["RetentionInDays"] == {"dev": 7, "prod": 90}[synth.config.name]


def test_file_routes_are_cognito_authorized_and_proxy_to_the_files_function(dev):
    function_id, _ = _function(dev)
    authorizer_id = dev.only("AWS::ApiGateway::Authorizer")[0]
    routes = _routes(dev)
    for route in FILE_ROUTES:
        method = routes[route]
        assert method["AuthorizationType"] == "COGNITO_USER_POOLS", route
        assert method["AuthorizerId"] == {"Ref": authorizer_id}, route
        assert method["Integration"]["Type"] == "AWS_PROXY", route
        assert _arn(function_id) in method["Integration"]["Uri"]["Fn::Join"][1], route
        path, _ = route
        parameters = {name.strip("{}") for name in path.split("/") if name.startswith("{")}
        assert method["RequestParameters"] == {f"method.request.path.{name}": True for name in parameters}, route


def test_role_is_exactly_least_privilege(dev):
    _, function = _function(dev)
    files_id, *_ = _buckets(dev)
    table_arn = _arn(dev.only("AWS::DynamoDB::Table")[0])

    def on_keys(action: str, keys: list[str]) -> dict:
        return {"Effect": "Allow", "Action": action, "Resource": table_arn, "Condition": {LEADING: {"dynamodb:LeadingKeys": keys}}}

    expected = [
        # the case (read-only), uploads and files, keys; the caller's account contacts (read-only)
        on_keys("dynamodb:GetItem", ["CASE#*", "FILES#*", "IDEMPOTENCY#*", "ACCOUNT#*"]),
        on_keys("dynamodb:PutItem", ["FILES#*", "IDEMPOTENCY#*"]),
        on_keys("dynamodb:UpdateItem", ["FILES#*", "RATE#*"]),  # the rate limit's counter
        *(on_keys(action, ["FILES#*"]) for action in ("dynamodb:DeleteItem", "dynamodb:Query")),
        {
            "Effect": "Allow",
            "Action": ["s3:PutObject", "s3:ListMultipartUploadParts", "s3:AbortMultipartUpload", "s3:GetObject", "s3:DeleteObject"],
            "Resource": _objects(files_id, "/cases/*"),
        },
        {
            "Effect": "Allow",
            "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
            "Resource": [_arn(dev.one("AWS::KMS::Key", "Data")[0]), _arn(dev.one("AWS::KMS::Key", COMPONENT)[0])],
        },
        {
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": _arn(function["LoggingConfig"]["LogGroup"]["Ref"]),
        },
        {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": {"Ref": _page_token_secret(dev)}},
        {"Effect": "Allow", "Action": ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], "Resource": "*"},
    ]
    granted = statement_triples(role_statements(dev, function["Role"]["Fn::GetAtt"][0]))
    assert granted == statement_triples(expected)
    assert not [action for action, _, _ in granted if "*" in action]
    # Nothing on the bucket itself (no listing) and no object outside cases/.
    assert {resource for action, resource, _ in granted if action.startswith("s3:")} == {
        json.dumps(_objects(files_id, "/cases/*"), sort_keys=True)
    }


def test_only_the_files_api_and_the_report_archivers_may_use_the_files_key(dev):
    """The files API (the case files), and the reports API and dispatcher (the archived CSVs, whose every S3 grant is on
    reports/ alone: tests/infra/test_reports.py); no other role, the reports events function included."""
    key_arn = _arn(dev.one("AWS::KMS::Key", COMPONENT)[0])
    users = {
        role_id
        for role_id in dev.resources("AWS::IAM::Role")
        if any(resource == key_arn or (isinstance(resource, list) and key_arn in resource) for resource in _resources(dev, role_id))
    }
    report_archivers = {
        dev.one("AWS::Lambda::Function", component)[1]["Properties"]["Role"]["Fn::GetAtt"][0]
        for component in ("ReportsApi", "ReportsDispatcher")
    }
    assert users == {_function(dev)[1]["Role"]["Fn::GetAtt"][0], *report_archivers}
    archives = json.dumps(_objects(_buckets(dev)[0], "/reports/*"), sort_keys=True)
    for role_id in report_archivers:
        granted = statement_triples(role_statements(dev, role_id))
        assert {resource for action, resource, _ in granted if action.startswith("s3:")} == {archives}


def _resources(synth, role_id: str) -> list:
    return [statement["Resource"] for statement in statements_by_role(synth)[role_id]]


def _page_token_secret(synth) -> str:
    """The page tokens' HMAC key (components/shared.py), which the cases and files listings share."""
    assert PAGE_TOKEN_KEY_LOGICAL_ID in synth.resources("AWS::SecretsManager::Secret")
    return PAGE_TOKEN_KEY_LOGICAL_ID
