"""Fixes for moto's emulation that the local stack and the tests rely on; nothing here runs in AWS.

- StopExecution right after StartExecution (a timer replaced within the same SQS batch) fails inside
  moto 5.2.5 with AttributeError: the execution's environment is created by its worker thread, which may
  not have run yet. AWS stops such an execution; so does this, by waiting for the thread to set it up.
"""

from __future__ import annotations

import time

from moto.stepfunctions.parser.backend.execution_worker import ExecutionWorker

_SETUP_WAIT_SECONDS = 5

_original_stop = ExecutionWorker.stop


def _stop_once_set_up(self, stop_date, error, cause):
    deadline = time.monotonic() + _SETUP_WAIT_SECONDS
    while getattr(self, "env", None) is None and time.monotonic() < deadline:
        time.sleep(0.01)
    return _original_stop(self, stop_date, error, cause)


def apply() -> None:
    ExecutionWorker.stop = _stop_once_set_up
