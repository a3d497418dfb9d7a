"""The intake's one AWS call: the event onto the alerts queue, for the processor."""

from __future__ import annotations

from botocore.exceptions import BotoCoreError, ClientError

from functions.alerts.models.received import ReceivedEvent
from functions.shared.dal.aws import client
from functions.shared.dal.errors import unavailable

BUSY = "The alert intake is busy; send the event again (PagerDuty senders retry on their own)."


class SqsAlertQueue:
    def __init__(self, queue_url: str) -> None:
        self.queue_url = queue_url

    def send(self, event: ReceivedEvent) -> None:
        try:
            client("sqs").send_message(QueueUrl=self.queue_url, MessageBody=event.model_dump_json(by_alias=True))
        except (BotoCoreError, ClientError) as error:
            raise unavailable("SQS", BUSY) from error
