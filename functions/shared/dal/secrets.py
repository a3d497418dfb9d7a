"""Service secrets from Secrets Manager, cached per container so a request path pays for them once."""

from __future__ import annotations

from functools import lru_cache

from functions.shared.dal.aws import client


@lru_cache(maxsize=8)
def secret_bytes(secret_id: str) -> bytes:
    return client("secretsmanager").get_secret_value(SecretId=secret_id)["SecretString"].encode()
