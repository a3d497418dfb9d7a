import os
from pathlib import Path

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


# The modules that run a whole stack (a process, a browser, thousands of generated requests) go first: `make test`
# hands out whole modules (--dist loadfile) in this order, so the short ones fill in at the end and both workers
# finish together, rather than one waiting out a long module that started last.
STACK_TIERS = ("local", "fuzz", "browser")
TESTS_ROOT = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        tier = item.path.relative_to(TESTS_ROOT).parts[0]
        return STACK_TIERS.index(tier) if tier in STACK_TIERS else len(STACK_TIERS)

    items.sort(key=rank)  # stable: each tier keeps its own order
