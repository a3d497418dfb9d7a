"""Service secrets from Secrets Manager, cached per container so a request path pays for them once."""

from __future__ import annotations

from functions.shared.dal.aws import client
from functions.shared.environment import per_environment


@per_environment
def secret_bytes(secret_id: str) -> bytes:
    return client("secretsmanager").get_secret_value(SecretId=secret_id)["SecretString"].encode()
