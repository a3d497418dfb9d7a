import os

import pytest

# Credentials and region for the emulator; set before boto3 or moto are imported anywhere.
for name, value in {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
    "POWERTOOLS_METRICS_NAMESPACE": "DedicatedSupportServices",
    "POWERTOOLS_LOG_LEVEL": "WARNING",
}.items():
    os.environ[name] = value
os.environ.pop("AWS_ENDPOINT_URL", None)
os.environ.pop("AWS_PROFILE", None)


@pytest.fixture
def local_aws():
    """The product provisioned in moto in this process (tests/support/stack.py), torn down after the test."""
    from tests.support.stack import start_local_aws  # after the credentials above are set

    mock, stack = start_local_aws()
    try:
        yield stack
    finally:
        mock.stop()
