"""The intake rules on their own, with an in-memory repository and event sink."""

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import TypeAdapter

from functions.cases.dal.case_repository import Account, IdempotencyKeyTaken, UnknownContact
from functions.cases.logic.create_case import create_case, format_case_number
from functions.cases.models.requests import NewCaseRequest
from functions.shared.auth import caller_from_claims
from functions.shared.errors import Conflict, Forbidden, ValidationFailed

NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)
CUSTOMER = caller_from_claims(
    {"sub": "u-1", "cognito:groups": "customer-contacts", "custom:account_id": "acme", "custom:contact_id": "c-1"}
)
ENGINEER = caller_from_claims({"sub": "u-e", "cognito:groups": "engineers"})


class InMemoryCases:
    def __init__(self):
        self.counter, self.cases, self.keys = 0, {}, {}

    def next_case_number(self):
        self.counter += 1
        return self.counter

    def find_idempotency_record(self, scope_key):
        return self.keys.get(scope_key)

    def create_case(self, case, record, *, now, check_contact=False):
        account = self.get_account(case.account_id)
        if check_contact and (account is None or case.contact_id not in account.contacts):
            raise UnknownContact()
        if record and record.scope_key in self.keys and self.keys[record.scope_key].expires_at > now:
            raise IdempotencyKeyTaken()
        self.cases[case.case_number] = case
        if record:
            self.keys[record.scope_key] = record

    def get_case(self, number):
        return self.cases.get(number)

    def get_account(self, account_id):
        return Account("acme", "Acme", "north-america", {"c-1": {}}) if account_id == "acme" else None


class Events(list):
    def publish(self, detail_type, detail):
        self.append((detail_type, detail))


def request(**fields):
    body = {"caseType": "Admin", "subject": "s", "description": "d", **fields}
    return TypeAdapter(NewCaseRequest).validate_python(body)


def open_case(body, caller=CUSTOMER, key=None, repository=None, events=None, now=NOW):
    repository = InMemoryCases() if repository is None else repository
    events = Events() if events is None else events
    return create_case(body, caller, idempotency_key=key, repository=repository, events=events, now=now)


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


def test_engineer_recording_a_web_case_is_held_to_web_priorities():
    with pytest.raises(ValidationFailed):
        open_case(request(priority="2-High", channel="web", onBehalfOf={"accountId": "acme", "contactId": "c-1"}), caller=ENGINEER)


def test_customer_cannot_record_phone_cases():
    with pytest.raises(Forbidden):
        open_case(request(channel="phone"))


def test_refusals_touch_nothing():
    repository, events = InMemoryCases(), Events()
    with pytest.raises(ValidationFailed):
        open_case(request(priority="2-High"), repository=repository, events=events)
    assert (repository.counter, repository.cases, events) == (0, {}, [])


def test_replay_within_the_window_and_a_fresh_case_after_it():
    repository, events = InMemoryCases(), Events()
    first = open_case(request(), key="k", repository=repository, events=events)
    replay = open_case(request(), key="k", repository=repository, events=events)
    later = open_case(request(), key="k", repository=repository, events=events, now=NOW + timedelta(hours=25))

    assert replay.replayed and replay.case == first.case
    assert not later.replayed and later.case.case_number != first.case.case_number
    assert [kind for kind, _ in events] == ["CaseCreated"] * 3


def test_same_key_other_body_conflicts():
    repository = InMemoryCases()
    open_case(request(), key="k", repository=repository)
    with pytest.raises(Conflict):
        open_case(request(subject="other"), key="k", repository=repository)
