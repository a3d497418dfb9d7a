"""One Lambda container in its own process: waits for the start signal, then opens one case.
Arguments: demo user, start-signal file, optional Idempotency-Key."""

import json
import os
import sys
import time
from pathlib import Path

from functions.cases.handlers.api import lambda_handler
from local.api_gateway import proxy_event
from local.demo_directory import DEMO_USERS
from local.http_adapter import LambdaContext
from tests.support.payloads import support_case

user, go_file, idempotency_key = sys.argv[1], Path(sys.argv[2]), (sys.argv[3:] or [None])[0]
subject = f"retry of {idempotency_key}" if idempotency_key else f"by {user} {os.getpid()}"
headers = {"Idempotency-Key": idempotency_key} if idempotency_key else None
event = proxy_event("POST", "/cases", claims=DEMO_USERS[user].claims(), headers=headers, body=json.dumps(support_case(subject=subject)))
while not go_file.exists():
    time.sleep(0.005)
response = lambda_handler(event, LambdaContext())
print(json.dumps({"user": user, "status": response["statusCode"], "body": json.loads(response["body"])}))
