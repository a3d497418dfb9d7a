"""Case files: the bucket that holds them, its access-log bucket, and the files API Lambda, whose
role can do exactly what functions/files does. Clients upload and download with presigned URLs the Lambda
signs, so the object permissions below are also what those URLs can do.

Object keys are `cases/<caseNumber>/<fileId>/<fileName>` (the purge deletes `cases/<caseNumber>/`)."""

from __future__ import annotations

from typing import cast

from aws_cdk import Acknowledgment, Duration, Stack, Validations
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from functions.files.dal.object_storage import browser_upload_cors_rule
from functions.files.dal.tables import FILES_PREFIX
from functions.reports.dal.delivery import ARCHIVE_PREFIX as REPORT_ARCHIVE_PREFIX
from functions.reports.dal.report_store import RUNS_KEPT_FOR
from functions.shared.dal.case_view import CASE_PREFIX
from functions.shared.dal.directory import ACCOUNT_PREFIX
from functions.shared.dal.idempotency import IDEMPOTENCY_PREFIX
from functions.shared.dal.rate_limit import RATE_PREFIX
from functions.shared.retention import UPLOAD_LIFETIME
from infra.components.data import Data
from infra.components.function import DomainFunction, on_keys
from infra.components.shared import SharedRuntime
from infra.config import StageConfig

HANDLER = "functions.files.handlers.api.lambda_handler"
OBJECT_PREFIX = "cases/"
REPORT_ARCHIVE_KEPT_FOR = Duration.days(RUNS_KEPT_FOR.days)
# S3 keeps the parts of an upload nobody completes or aborts (and bills them) until this rule drops them:
# as long as the files API offers the upload for resuming (its record expires then, by TTL).
ABORT_INCOMPLETE_UPLOADS_AFTER = Duration.days(UPLOAD_LIFETIME.days)
# API Gateway gives an integration 29 s at most: completing a 10,000-part upload pages through ListParts
# and waits for S3 to assemble the object.
API_TIMEOUT = Duration.seconds(29)


def object_arns(bucket: s3.IBucket) -> str:
    return bucket.arn_for_objects(f"{OBJECT_PREFIX}*")


class Files(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: StageConfig,
        data: Data,
        shared: SharedRuntime,
    ) -> None:
        super().__init__(scope, construct_id)
        self.key = kms.Key(
            self,
            "BucketKey",
            # Its own key, not the table's: the table key is granted to every function that touches the table
            # (cases, notifications, timers, purge), this one only to the files API, the one reader and writer
            # of file contents. Customers' logs and dumps stay unreadable to the rest, and the key can be
            # disabled or audited (CloudTrail) for files alone.
            description=f"dss-{config.name}: case files (SSE-KMS of the case files bucket)",
            enable_key_rotation=True,
            removal_policy=config.removal_policy,
        )
        self.access_logs = s3.Bucket(
            self,
            "AccessLogs",
            # S3 delivers server access logs only to a bucket with SSE-S3 default encryption. They name the
            # object keys (case numbers and file names) and who asked, never file contents.
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            minimum_tls_version=1.2,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            lifecycle_rules=[s3.LifecycleRule(id="ExpireAccessLogs", expiration=config.files_access_log_retention)],
            removal_policy=config.removal_policy,
            # No access logs of its own (cdk-nag's S1 exempts a bucket that is a log target): its only writer
            # is the S3 logging service, and logging its deliveries would log forever.
        )
        self.bucket = s3.Bucket(
            self,
            "Bucket",
            encryption=s3.BucketEncryption.KMS,
            encryption_key=self.key,
            bucket_key_enabled=True,  # one KMS data key per bucket and period, not a KMS call per object and part
            enforce_ssl=True,  # denies any request without TLS, presigned ones included
            minimum_tls_version=1.2,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            # Unversioned on purpose: the purge's DeleteObject must remove a closed case's files for good (the
            # guide promises they are gone 30 days after closure); a version history would keep them.
            versioned=False,
            server_access_logs_bucket=self.access_logs,
            server_access_logs_prefix="case-files/",
            lifecycle_rules=[
                s3.LifecycleRule(id="AbortIncompleteUploads", abort_incomplete_multipart_upload_after=ABORT_INCOMPLETE_UPLOADS_AFTER),
                # The case reports' archived CSVs (functions/reports/dal/delivery.py): kept as long as their runs' records.
                s3.LifecycleRule(id="ExpireReportArchives", prefix=REPORT_ARCHIVE_PREFIX, expiration=REPORT_ARCHIVE_KEPT_FOR),
            ],
            # One CORS rule, for the portal's page (allow_browser_uploads_from); the CLI needs none.
            # Kept in prod; in other stages deleted with the stack once emptied. No auto-delete: its custom
            # resource would add a Node.js Lambda with a managed policy and a log group that never expires.
            removal_policy=config.removal_policy,
        )

        self.api = DomainFunction(
            self,
            "Api",
            config=config,
            name="files API",
            description="Files API: presigned multipart uploads, the case's files and their downloads",
            handler=HANDLER,
            timeout=API_TIMEOUT,
            layer=shared.layer,
            memory_size=512,
            environment={
                "TABLE_NAME": data.table.table_name,
                "FILES_BUCKET": self.bucket.bucket_name,
                "PAGE_TOKEN_SECRET_ARN": shared.page_token_secret.secret_arn,
            },
        )
        self.function = self.api.function
        self._grant_api(data, shared)

    def _grant_api(self, data: Data, shared: SharedRuntime) -> None:
        table_arn = data.table.table_arn
        self.api.grant(
            # functions/files/dal/file_repository.py: the case it acts on, read-only (GetItem,
            # functions/shared/dal/case_view.py), and the files domain's own partitions FILES#<caseNumber>:
            # uploads are put, read, listed and deleted; completing one writes the file (PutItem) and marks the
            # upload (UpdateItem) in one transaction, which is authorized per contained item; its events go in
            # the same transaction as outbox items under FILES# (published by components/outbox.py).
            # Starting an upload also writes its Idempotency-Key's record (IDEMPOTENCY#, read back on a retry)
            # and counts the caller's change (RATE#, functions/shared/dal/rate_limit.py) in its transaction.
            # Every request of a customer contact reads their account's contacts (ACCOUNT#, read-only, at most once
            # a minute per account: functions/shared/caller_directory.py).
            on_keys("dynamodb:GetItem", table_arn, [f"{CASE_PREFIX}*", f"{FILES_PREFIX}*", f"{IDEMPOTENCY_PREFIX}*", f"{ACCOUNT_PREFIX}*"]),
            on_keys("dynamodb:PutItem", table_arn, [f"{FILES_PREFIX}*", f"{IDEMPOTENCY_PREFIX}*"]),
            on_keys("dynamodb:UpdateItem", table_arn, [f"{FILES_PREFIX}*", f"{RATE_PREFIX}*"]),
            on_keys("dynamodb:DeleteItem", table_arn, [f"{FILES_PREFIX}*"]),
            on_keys("dynamodb:Query", table_arn, [f"{FILES_PREFIX}*"]),
            # functions/files/dal/object_storage.py. Presigned URLs act with this role's permissions, so these
            # are also all that a part URL or a download URL can ever do.
            iam.PolicyStatement(
                actions=[
                    # CreateMultipartUpload, UploadPart (the presigned part URLs) and CompleteMultipartUpload.
                    "s3:PutObject",
                    "s3:ListMultipartUploadParts",  # ListParts: resume and the check before completing
                    "s3:AbortMultipartUpload",
                    "s3:GetObject",  # HeadObject (the stored full-object checksum) and the presigned download URLs
                    "s3:DeleteObject",  # an object whose checksum does not match the declared one
                ],
                resources=[object_arns(self.bucket)],
            ),
            # The table's key (its items), and the bucket's: SSE-KMS multipart uploads need GenerateDataKey and
            # Decrypt on the bucket key from whoever uploads (the presigned URLs' signer), downloads need Decrypt.
            iam.PolicyStatement(actions=["kms:Decrypt", "kms:GenerateDataKey"], resources=[data.key.key_arn, self.key.key_arn]),
            # The HMAC key of the listings' page tokens (the one the cases API uses).
            iam.PolicyStatement(actions=["secretsmanager:GetSecretValue"], resources=[shared.page_token_secret.secret_arn]),
        )
        acknowledge_object_wildcard(self.api.role, self.bucket, "the files API creates, reads and deletes")


    def allow_browser_uploads_from(self, origin: str) -> None:
        """The bucket's one CORS rule: the portal's page PUTs upload parts to their presigned URLs."""
        rule = browser_upload_cors_rule(origin)
        self.bucket.add_cors_rule(
            allowed_origins=rule["AllowedOrigins"],
            allowed_methods=[s3.HttpMethods(method) for method in rule["AllowedMethods"]],
            allowed_headers=rule["AllowedHeaders"],
            exposed_headers=rule["ExposeHeaders"],
            max_age=rule["MaxAgeSeconds"],
        )


def acknowledge_object_wildcard(role: iam.IRole, bucket: s3.Bucket, what: str) -> None:
    bucket_arn = f"<{_logical_id(bucket)}.Arn>"
    Validations.of(role).acknowledge(
        Acknowledgment(
            id=f"AwsSolutions-IAM5[Resource::{bucket_arn}/{OBJECT_PREFIX}*]",
            reason=f"The objects {what} are keyed cases/<caseNumber>/<fileId>/<fileName>, names that exist only at "
            "run time; the grant is confined to the cases/ prefix of this one bucket.",
        )
    )


def _logical_id(bucket: s3.Bucket) -> str:
    # An L2 bucket's default child is its CfnBucket; jsii types it only as IConstruct | None.
    return Stack.of(bucket).get_logical_id(cast(s3.CfnBucket, bucket.node.default_child))
