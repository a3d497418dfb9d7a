"""One Lambda container of the cases domain's queue consumer in its own process: waits for the start signal,
then handles one SQS batch of one record. Arguments: start-signal file, a file holding the message body (an
EventBridge envelope as JSON), the queue's ARN. Prints the batch response."""

import json
import sys
import time
from pathlib import Path

from functions.cases.handlers.handle_bus_events import lambda_handler
from local.event_sources import sqs_record
from local.http_adapter import LambdaContext

go_file, body_file, queue_arn = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
event = {"Records": [sqs_record(body_file.read_text(), queue_arn)]}
while not go_file.exists():
    time.sleep(0.005)
print(json.dumps(lambda_handler(event, LambdaContext("cases-events", timeout_seconds=30))))
