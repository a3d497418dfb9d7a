"""Where a report goes: its CSV archived in the files bucket (`reports/<account>/<subscription>/<first day>.csv`,
SSE-KMS as the bucket's default, expired by its lifecycle rule), and its emails through SES SendRawEmail (one
recipient per message, the CSV attached)."""

from __future__ import annotations

from datetime import date

from botocore.exceptions import BotoCoreError, ClientError

from functions.reports.models.errors import ReportDelayed
from functions.shared.dal.aws import client

ARCHIVE_PREFIX = "reports/"


def archive_key(account_id: str, subscription_id: str, first_day: date) -> str:
    return f"{ARCHIVE_PREFIX}{account_id}/{subscription_id}/{first_day.isoformat()}.csv"


class ReportArchive:
    def __init__(self, bucket: str):
        self.bucket = bucket

    def put(self, key: str, csv: bytes) -> None:
        try:
            client("s3").put_object(Bucket=self.bucket, Key=key, Body=csv, ContentType="text/csv; charset=utf-8")
        except (BotoCoreError, ClientError) as error:
            raise ReportDelayed(f"the report's CSV was not archived: {error}") from error

    def get(self, key: str) -> bytes | None:
        try:
            return client("s3").get_object(Bucket=self.bucket, Key=key)["Body"].read()
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                return None
            raise ReportDelayed(f"the archived CSV could not be read: {error}") from error
        except BotoCoreError as error:
            raise ReportDelayed(f"the archived CSV could not be read: {error}") from error


class SesReportMailer:
    def send(self, sender: str, recipient: str, message: bytes) -> str:
        try:
            answer = client("ses").send_raw_email(Source=sender, Destinations=[recipient], RawMessage={"Data": message})
        except (BotoCoreError, ClientError) as error:
            raise ReportDelayed(f"SES did not send: {error}") from error
        return str(answer["MessageId"])
