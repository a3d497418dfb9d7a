"""One Lambda container in its own process: waits for the start signal, then makes one API call.
Arguments: start-signal file, demo user, method, path, JSON body, optional Idempotency-Key."""

import json
import sys
import time
from pathlib import Path

from functions.cases.handlers.api import lambda_handler
from local.api_gateway import proxy_event
from local.demo_directory import DEMO_USERS
from local.http_adapter import LambdaContext

go_file, user, method, path, body = Path(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
headers = {"Idempotency-Key": sys.argv[6]} if len(sys.argv) > 6 else None
path, _, query = path.partition("?")
event = proxy_event(method, path, claims=DEMO_USERS[user].claims(), headers=headers, query=query, body=body if body != "null" else None)
while not go_file.exists():
    time.sleep(0.005)
response = lambda_handler(event, LambdaContext())
print(json.dumps({"user": user, "status": response["statusCode"], "body": json.loads(response["body"])}))
