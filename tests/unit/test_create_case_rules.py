"""The intake rules on their own, with an in-memory repository and event sink."""

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import TypeAdapter

from functions.cases.logic.create_case import create_case, format_case_number
from functions.cases.models.records import Account, IdempotencyKeyTaken
from functions.cases.models.requests import NewCaseRequest
from functions.shared.auth import caller_from_claims
from functions.shared.errors import Conflict, Forbidden, NotFound, ValidationFailed
from functions.shared.idempotency import IdempotencyRecord

NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)
CUSTOMER = caller_from_claims(
    {"sub": "u-1", "cognito:groups": "customer-contacts", "custom:account_id": "acme", "custom:contact_id": "c-1"}
)
ENGINEER = caller_from_claims({"sub": "u-e", "cognito:groups": "engineers"})


class InMemoryCases:
    """A CaseStore in a few dicts, counting its writes."""

    def __init__(self):
        self.counter, self.cases, self.keys, self.events = 0, {}, {}, []
        self.accounts = {"acme": Account("acme", "Acme", "north-america", {"c-1": {}})}

    def next_case_number(self):
        self.counter += 1
        return self.counter

    def read_before_create(self, idempotency_scope, account_id):
        return self.keys.get(idempotency_scope), self.accounts.get(account_id)

    def create_case(self, case, history, events, *, idempotency, rate_limited, now):
        if idempotency and idempotency.scope_key in self.keys and self.keys[idempotency.scope_key].expires_at > now:
            raise IdempotencyKeyTaken()
        self.cases[case.case_number] = case
        self.events += events  # written with the case (the outbox)
        if idempotency:
            record = IdempotencyRecord(idempotency.scope_key, idempotency.request_hash, case.case_number, idempotency.expires_at)
            self.keys[idempotency.scope_key] = record

    def get_case(self, number):
        return self.cases.get(number)


def request(**fields):
    body = {"caseType": "Admin", "subject": "s", "description": "d", **fields}
    return TypeAdapter(NewCaseRequest).validate_python(body)


def open_case(body, caller=CUSTOMER, key=None, repository=None, now=NOW):
    repository = InMemoryCases() if repository is None else repository
    return create_case(body, caller, idempotency_key=key, store=repository, now=now)


def test_format_case_number():
    assert format_case_number(2068177) == "0002068177"


@pytest.mark.parametrize("priority, allowed", [("4-Low", True), ("3-Medium", True), ("2-High", False), ("1-Prod Down", False)])
def test_web_priorities(priority, allowed):
    if allowed:
        assert open_case(request(priority=priority)).case.priority.value == priority
    else:
        with pytest.raises(ValidationFailed, match="by phone"):
            open_case(request(priority=priority))


def test_engineer_by_phone_may_choose_any_priority():
    created = open_case(request(priority="1-Prod Down", onBehalfOf={"accountId": "acme", "contactId": "c-1"}), caller=ENGINEER)
    assert created.case.channel.value == "phone" and created.case.opened_by == "u-e"


def test_customer_cannot_open_for_someone_else():
    with pytest.raises(Forbidden):
        open_case(request(onBehalfOf={"accountId": "acme", "contactId": "c-2"}))


@pytest.mark.parametrize(
    "body, caller",
    [
        (request(priority="2-High"), CUSTOMER),
        (request(onBehalfOf={"accountId": "nope", "contactId": "c-1"}), ENGINEER),
        (request(onBehalfOf={"accountId": "acme", "contactId": "c-9"}), ENGINEER),
        (request(), ENGINEER),
    ],
)
def test_refusals_touch_nothing_not_even_the_counter(body, caller):
    repository = InMemoryCases()
    with pytest.raises((ValidationFailed, NotFound)):
        open_case(body, caller=caller, repository=repository)
    assert (repository.counter, repository.cases, repository.events) == (0, {}, [])


def test_replay_within_the_window_and_a_fresh_case_after_it():
    repository = InMemoryCases()
    first = open_case(request(), key="k", repository=repository)
    replay = open_case(request(), key="k", repository=repository)
    later = open_case(request(), key="k", repository=repository, now=NOW + timedelta(hours=25))

    assert replay.replayed and replay.case == first.case
    assert not later.replayed and later.case.case_number != first.case.case_number
    # Each create records the case and its response-escalation timer with it; the replay records nothing.
    assert [event.detail_type for event in repository.events] == ["CaseCreated", "CaseTimerStarted"] * 2


def test_same_key_other_body_conflicts():
    repository = InMemoryCases()
    open_case(request(), key="k", repository=repository)
    with pytest.raises(Conflict):
        open_case(request(subject="other"), key="k", repository=repository)
