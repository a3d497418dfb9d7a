"""API Gateway REST proxy events, built the way API Gateway builds them, for the local stack and tests."""

from __future__ import annotations

import base64
import uuid
from urllib.parse import parse_qs


def proxy_event(
    method: str,
    path: str,
    *,
    claims: dict | None = None,
    headers: dict[str, str] | None = None,
    query: str | dict[str, str] | None = None,
    body: bytes | str | None = None,
    stage: str = "local",
) -> dict:
    headers = dict(headers or {})
    if isinstance(query, str):
        multi_query = parse_qs(query, keep_blank_values=True)
    else:
        multi_query = {key: [value] for key, value in (query or {}).items()}
    is_base64 = False
    if isinstance(body, bytes):
        raw = body
        try:
            body = raw.decode("utf-8")
        except UnicodeDecodeError:
            body, is_base64 = base64.b64encode(raw).decode(), True
    return {
        "resource": "/{proxy+}",
        "path": path,
        "httpMethod": method.upper(),
        "headers": headers or None,
        "multiValueHeaders": {key: [value] for key, value in headers.items()} or None,
        "queryStringParameters": {key: values[-1] for key, values in multi_query.items()} or None,
        "multiValueQueryStringParameters": multi_query or None,
        "pathParameters": {"proxy": path.lstrip("/")},
        "stageVariables": None,
        "requestContext": {
            "resourcePath": "/{proxy+}",
            "httpMethod": method.upper(),
            "path": path,  # as behind a custom domain: the local API serves at the root, not under /<stage>
            "stage": stage,
            "requestId": str(uuid.uuid4()),
            "identity": {"sourceIp": "127.0.0.1"},
            "authorizer": {"claims": claims} if claims else None,
        },
        "body": body or None,
        "isBase64Encoded": is_base64,
    }
