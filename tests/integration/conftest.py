import pytest

from tests.support.stack import start_local_aws


@pytest.fixture
def local_aws():
    mock, stack = start_local_aws()
    try:
        yield stack
    finally:
        mock.stop()
