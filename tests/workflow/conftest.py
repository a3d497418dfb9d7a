"""The workflow tier (docs/architecture.md, Tests and checks): the real ASL of infra/workflows executed by moto, started and
stopped by the real followups handler, its tasks running the real timer step handler.

moto's Wait states sleep in real time, so tests move the case's clock back instead: a request for
information made 30 days ago has all its deadlines in the past, and its ladder runs in a second."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest

from functions.shared.business_time import BusinessCalendar, business_calendar
from functions.shared.clock import utc_now
from tests.support.stack import LocalAws


class ApiClock:
    """Sets the time the cases API sees; the timer steps keep the real time."""

    def __init__(self, stack: LocalAws):
        self._stack = stack

    def set(self, moment: datetime | None) -> None:
        """None gives the API the real time back."""
        self._stack.set_api_time(moment)


@pytest.fixture
def api_clock(local_aws) -> ApiClock:
    return ApiClock(local_aws)


def moment_between(
    first: int, second: int, add: Callable[[BusinessCalendar, datetime, int], datetime] = BusinessCalendar.add_business_days
) -> datetime:
    """A past moment from which `first` units of business time (business days, or what `add` counts, as
    BusinessCalendar.add_business_hours) have passed and `second` have not."""
    now, calendar = utc_now(), business_calendar()
    for hours_ago in range(1, 24 * 40):
        moment = now - timedelta(hours=hours_ago)
        if add(calendar, moment, first) < now < add(calendar, moment, second):
            return moment
    raise AssertionError("no such moment in the last 40 days")


def history_actions(local_aws, case: str) -> list[str]:
    return [entry["action"] for entry in local_aws.call("GET", f"/cases/{case}/history", query={"limit": "100"}).body["items"]]


def wait_for(condition, *, timeout_seconds: float = 20, what: str = "condition"):
    deadline = time.monotonic() + timeout_seconds
    while not (result := condition()):
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} not reached in {timeout_seconds} s")
        time.sleep(0.05)
    return result


def detail_types(bodies: list[str]) -> list[str]:
    return [json.loads(body)["detail-type"] for body in bodies]
