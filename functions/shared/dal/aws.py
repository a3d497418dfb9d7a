"""One botocore session and one client per service for the whole container.

botocore directly, not boto3: boto3 adds ~30 ms of import (s3transfer, multiprocessing) that no
function here needs, and a shared session loads each service model once."""

from __future__ import annotations

import botocore.session
from botocore.client import BaseClient

from functions.shared.environment import per_environment


@per_environment
def session() -> botocore.session.Session:
    return botocore.session.get_session()


@per_environment
def client(service: str) -> BaseClient:
    return session().create_client(service)
