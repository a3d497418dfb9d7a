import pytest

from tests.local.stack_process import LocalStack


@pytest.fixture(scope="module")
def local_stack(tmp_path_factory):
    stack = LocalStack(tmp_path_factory.mktemp("local-stack"))
    try:
        yield stack.start()
    finally:
        stack.stop()


@pytest.fixture
def new_stack(tmp_path):
    """Makes stacks of the test's own (for stopping and restarting); stops whatever is left running."""
    made: list[LocalStack] = []

    def make(port: int | None = None, aws_port: int | None = None, options: tuple[str, ...] = ()) -> LocalStack:
        made.append(LocalStack(tmp_path, port, aws_port, options))
        return made[-1]

    yield make
    for stack in made:
        stack.stop()
